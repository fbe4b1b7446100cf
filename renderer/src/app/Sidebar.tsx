/** The navigation: one link per page the operator may open, with its Alt+digit shortcut. */
import { isMac, useNavItems } from "./shortcuts.ts";
import type { Route } from "./router.ts";

export function Sidebar({ route }: { route: Route }) {
  const current = route.page === "user" ? "users" : route.page;
  const alt = isMac() ? "⌥" : "Alt+";
  const items = useNavItems();
  return (
    <nav className="sidebar" aria-label="Main">
      <div className="sidebar__brand">Gatehouse</div>
      <ul>
        {items.map((item) => (
          <li key={item.href}>
            <a href={item.href} aria-current={current === item.page ? "page" : undefined} aria-keyshortcuts={`Alt+${item.key}`} data-testid={`nav-${item.page}`}>
              <span>{item.label}</span>
              <kbd aria-hidden="true">
                {alt}
                {item.key}
              </kbd>
            </a>
          </li>
        ))}
      </ul>
    </nav>
  );
}
