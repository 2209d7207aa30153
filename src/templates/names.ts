// Word lists for plausible people, products and places. Kept short: variety comes from combination.
export const FIRST_NAMES = [
  'Aarav', 'Ananya', 'Rohan', 'Priya', 'Vikram', 'Isha', 'Kabir', 'Meera', 'Arjun', 'Diya', 'Liam', 'Olivia',
  'Noah', 'Emma', 'Mateo', 'Sofia', 'Kwame', 'Ama', 'Kofi', 'Efua', 'Yaw', 'Akosua', 'Chen', 'Mei', 'Hiro',
  'Yuki', 'Lucas', 'Camila', 'Omar', 'Layla', 'Daniel', 'Grace', 'Samuel', 'Zara', 'Ethan', 'Nia',
];
export const LAST_NAMES = [
  'Sharma', 'Patel', 'Iyer', 'Reddy', 'Gupta', 'Nair', 'Mensah', 'Owusu', 'Asante', 'Boateng', 'Smith',
  'Johnson', 'Garcia', 'Martinez', 'Kim', 'Tanaka', 'Chen', 'Silva', 'Okafor', 'Haddad', 'Novak', 'Brown',
  'Khan', 'Das', 'Mehta', 'Rossi', 'Müller', 'Dubois', 'Andersen', 'Kowalski',
];
export const EMAIL_DOMAINS = ['gmail.com', 'outlook.com', 'yahoo.com', 'example.com', 'proton.me', 'icloud.com'];
export const CITIES = ['Bengaluru', 'Mumbai', 'Delhi', 'Accra', 'Kumasi', 'Lagos', 'London', 'New York', 'Singapore', 'Dubai', 'São Paulo', 'Berlin'];
export const COUNTRIES = ['IN', 'GH', 'NG', 'GB', 'US', 'SG', 'AE', 'BR', 'DE'];
export const CURRENCIES = ['USD', 'INR', 'GHS', 'EUR', 'GBP', 'SGD'];
export const PRODUCTS = [
  { title: 'iPhone 15', brand: 'Apple', category: 'smartphones', price: 799 },
  { title: 'Galaxy S24', brand: 'Samsung', category: 'smartphones', price: 699 },
  { title: 'AirPods Pro', brand: 'Apple', category: 'audio', price: 249 },
  { title: 'Running Shoes', brand: 'Nike', category: 'footwear', price: 120 },
  { title: 'Cold Brew Coffee 1L', brand: 'Blue Tokai', category: 'groceries', price: 12 },
  { title: 'Yoga Mat', brand: 'Decathlon', category: 'sports', price: 25 },
  { title: 'Kindle Paperwhite', brand: 'Amazon', category: 'electronics', price: 149 },
  { title: 'Denim Jacket', brand: "Levi's", category: 'apparel', price: 89 },
  { title: 'Face Serum', brand: 'The Ordinary', category: 'beauty', price: 18 },
  { title: 'Backpack 25L', brand: 'Wildcraft', category: 'bags', price: 45 },
];
export const CAMPAIGN_NAMES = [
  'Daily Reward', 'Weekend Spin', 'Festive Scratch & Win', 'Refer a Friend', 'Streak Saver', 'Monsoon Cashback',
  'New User Welcome', 'Quiz Master', 'Stamp Collector', 'Lucky Slots', 'Diwali Dhamaka', 'Summer Splash',
];
