// Word lists for plausible people, products and places. Kept short: variety comes from combination.
// About one entry in five carries non-ASCII text, as real tenants' data does (accented names, ₹/€/£,
// curly apostrophes, emoji in food and campaign names, a few names in other scripts): receivers that
// mangle UTF-8 must meet it in ordinary deliveries, not only in a special test. `--ascii` folds it all
// (src/templates/text.ts); names in other scripts carry their romanization for that.
export const FIRST_NAMES = [
  'Aarav', 'Ananya', 'Rohan', 'Priya', 'Vikram', 'Isha', 'Kabir', 'Meera', 'Arjun', 'Diya', 'Liam', 'Olivia',
  'Noah', 'Emma', 'Mateo', 'Sofia', 'Kwame', 'Ama', 'Kofi', 'Efua', 'Yaw', 'Akosua', 'Chen', 'Mei', 'Hiro',
  'Yuki', 'Lucas', 'Camila', 'Omar', 'Layla', 'Daniel', 'Grace', 'Samuel', 'Zara', 'Ethan', 'Nia',
  'José', 'Zoë', 'Søren', 'François', 'João',
];
export const LAST_NAMES = [
  'Sharma', 'Patel', 'Iyer', 'Reddy', 'Gupta', 'Nair', 'Mensah', 'Owusu', 'Asante', 'Boateng', 'Smith',
  'Johnson', 'García', 'Martínez', 'Kim', 'Tanaka', 'Chen', 'Silva', 'Okafor', 'Haddad', 'Novak', 'Brown',
  'Khan', 'Das', 'Mehta', 'Rossi', 'Müller', 'Dubois', 'Andersen', 'Kowalski', 'Gonçalves', 'Öztürk',
];

/** A name written in its own script, in its own order, with the romanization the person uses in e-mail. */
export interface NativeName {
  name: string;
  first: string;
  last: string;
  romanized: { first: string; last: string };
}
export const NATIVE_NAMES: readonly NativeName[] = [
  { name: 'प्रिया शर्मा', first: 'प्रिया', last: 'शर्मा', romanized: { first: 'Priya', last: 'Sharma' } },
  { name: 'अर्जुन मेहता', first: 'अर्जुन', last: 'मेहता', romanized: { first: 'Arjun', last: 'Mehta' } },
  { name: 'ராஜேஷ் குமார்', first: 'ராஜேஷ்', last: 'குமார்', romanized: { first: 'Rajesh', last: 'Kumar' } },
  { name: '陈伟', first: '伟', last: '陈', romanized: { first: 'Wei', last: 'Chen' } },
  { name: '佐藤 結衣', first: '結衣', last: '佐藤', romanized: { first: 'Yui', last: 'Sato' } },
  { name: '김민준', first: '민준', last: '김', romanized: { first: 'Minjun', last: 'Kim' } },
  { name: 'ليلى حداد', first: 'ليلى', last: 'حداد', romanized: { first: 'Layla', last: 'Haddad' } },
  { name: 'Νίκος Παπαδόπουλος', first: 'Νίκος', last: 'Παπαδόπουλος', romanized: { first: 'Nikos', last: 'Papadopoulos' } },
];
/** Share of people whose name arrives in their own script (Hindi, Tamil, Chinese, Japanese, Korean, Arabic, Greek keyboards). */
export const NATIVE_NAME_SHARE = 0.05;

export const EMAIL_DOMAINS = ['gmail.com', 'outlook.com', 'yahoo.com', 'example.com', 'proton.me', 'icloud.com'];
export const CITIES = [
  'Bengaluru', 'Mumbai', 'Delhi', 'Accra', 'Kumasi', 'Lagos', 'London', 'New York', 'Singapore', 'Dubai', 'São Paulo',
  'Berlin', 'München', 'Zürich', 'Bogotá',
];
export const COUNTRIES = ['IN', 'GH', 'NG', 'GB', 'US', 'SG', 'AE', 'BR', 'DE'];
export const CURRENCIES = ['USD', 'INR', 'GHS', 'EUR', 'GBP', 'SGD'];

export interface Product {
  title: string;
  brand: string;
  category: string;
  /** List price in US dollars; src/templates/sources.ts converts it to the shopper's currency. */
  price: number;
}
export const PRODUCTS: readonly Product[] = [
  { title: 'iPhone 15', brand: 'Apple', category: 'smartphones', price: 799 },
  { title: 'Galaxy S24', brand: 'Samsung', category: 'smartphones', price: 699 },
  { title: 'AirPods Pro', brand: 'Apple', category: 'audio', price: 249 },
  { title: 'Running Shoes', brand: 'Nike', category: 'footwear', price: 120 },
  { title: 'Cold Brew Coffee 1L', brand: 'Blue Tokai', category: 'groceries', price: 12 },
  { title: 'Yoga Mat — 6 mm', brand: 'Decathlon', category: 'sports', price: 25 },
  { title: 'Kindle Paperwhite', brand: 'Amazon', category: 'electronics', price: 149 },
  { title: 'Levi’s 511 Slim Jeans', brand: 'Levi’s', category: 'apparel', price: 89 },
  { title: 'Face Serum', brand: 'The Ordinary', category: 'beauty', price: 18 },
  { title: 'Backpack 25L', brand: 'Wildcraft', category: 'bags', price: 45 },
  { title: 'Nescafé Gold 100g', brand: 'Nestlé', category: 'groceries', price: 9 },
  { title: 'Spicy Paneer Wrap 🌶️', brand: 'Wrapchik', category: 'food', price: 4 },
  { title: 'Denim Jacket', brand: 'Levi’s', category: 'apparel', price: 89 },
  { title: 'Masala Chai ☕ (250 g)', brand: 'Chaayos', category: 'groceries', price: 6 },
  { title: 'Basmati Rice 5kg', brand: 'India Gate', category: 'groceries', price: 11 },
  { title: 'Protein Bar (Pack of 6)', brand: 'RiteBite', category: 'groceries', price: 7 },
  { title: 'Smart Watch', brand: 'Noise', category: 'electronics', price: 35 },
  { title: 'Cotton Kurta', brand: 'Fabindia', category: 'apparel', price: 22 },
];
export const CAMPAIGN_NAMES = [
  'Daily Reward', 'Weekend Spin', 'Festive Scratch & Win', 'Refer a Friend', 'Streak Saver', 'Monsoon Cashback',
  'New User Welcome', 'Quiz Master', 'Stamp Collector', 'Lucky Slots', 'Diwali Dhamaka 🪔', 'Summer Splash',
  'Holi Hai! 🎨', 'Eid Mubarak 🌙',
];
