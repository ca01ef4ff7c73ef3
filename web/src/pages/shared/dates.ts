/** The start of a calendar day (YYYY-MM-DD, plus `days`) in the user's own zone, as ISO UTC. */
export function dayStartIso(day: string, days: number): string {
  const [year, month, date] = day.split("-").map(Number);
  return new Date(year, month - 1, date + days).toISOString();
}
