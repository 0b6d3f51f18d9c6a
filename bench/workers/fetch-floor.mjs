// @ts-check
/**
 * P6's floor: the least any client can do for `ls --json` — one fetch of the page the SDK asks
 * for (GET /executors?size=1000, as the official client does), parse it, print it. Settings
 * come from LIUM_BASE_URL / LIUM_API_KEY in the environment.
 */
const settings = { baseUrl: '', apiKey: '' };
for (const [name, value] of Object.entries(process.env)) {
  if (name === 'LIUM_BASE_URL') settings.baseUrl = value ?? '';
  if (name === 'LIUM_API_KEY') settings.apiKey = value ?? '';
}
const response = await fetch(`${settings.baseUrl}/executors?size=1000`, {
  headers: { 'X-API-KEY': settings.apiKey },
});
if (!response.ok) throw new Error(`GET /executors answered ${response.status}`);
const executors = JSON.parse(await response.text());
process.stdout.write(`${JSON.stringify(executors)}\n`);
