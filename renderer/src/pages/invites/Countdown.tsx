/** "14:32 left" until `at`, then "expired". */
import { useEffect, useState } from "react";

export function Countdown({ at }: { at: number }) {
  const [now, setNow] = useState(Date.now());
  useEffect(() => {
    const timer = setInterval(() => setNow(Date.now()), 1000);
    return () => clearInterval(timer);
  }, []);
  const left = at - now;
  if (left <= 0) return <span className="badge badge--warn">expired</span>;
  const minutes = Math.floor(left / 60_000);
  const seconds = Math.floor((left % 60_000) / 1000);
  return (
    <span data-testid="invite-countdown">
      {minutes}:{String(seconds).padStart(2, "0")} left
    </span>
  );
}
