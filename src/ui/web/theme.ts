// Light and dark: the system's choice (prefers-color-scheme) until the toggle says otherwise, remembered.
const KEY = 'cg-hooks-inspector-theme';

export function initTheme(button: HTMLElement): void {
  const root = document.documentElement;
  const stored = localStorage.getItem(KEY);
  if (stored === 'light' || stored === 'dark') root.dataset.theme = stored;
  const system = () => (matchMedia('(prefers-color-scheme: dark)').matches ? 'dark' : 'light');
  button.addEventListener('click', () => {
    const now = root.dataset.theme ?? system();
    const next = now === 'dark' ? 'light' : 'dark';
    root.dataset.theme = next;
    localStorage.setItem(KEY, next);
  });
}
