// A short "Chrome on Linux" description of a User-Agent string, for session lists. Browser and OS names
// are proper nouns; only the joining phrase ("on") is translated.

const BROWSERS = [
  [/Edg(e|A|iOS)?\//, 'Edge'],
  [/OPR\/|Opera/, 'Opera'],
  [/SamsungBrowser\//, 'Samsung Internet'],
  [/YaBrowser\//, 'Yandex Browser'],
  [/Vivaldi\//, 'Vivaldi'],
  [/Firefox\/|FxiOS\//, 'Firefox'],
  [/Chrome\/|CriOS\/|Chromium\//, 'Chrome'],
  [/Version\/[\d.]+.*Safari\//, 'Safari'],
  [/Romotica/i, 'Romotica'],
  [/curl\//i, 'curl'],
  [/Java\/|Java-http-client/i, 'Java'],
];

const SYSTEMS = [
  [/Windows NT|Windows/, 'Windows'],
  [/Android/, 'Android'],
  [/iPhone|iPad|iPod/, 'iOS'],
  [/CrOS/, 'ChromeOS'],
  [/Mac OS X|Macintosh/, 'macOS'],
  [/Linux|X11/, 'Linux'],
];

function pick(table, ua) {
  for (const [re, name] of table) if (re.test(ua)) return name;
  return null;
}

/** { key, args } for the i18n layer: device.format, device.only or device.unknown. */
export function describeUserAgent(ua) {
  const s = String(ua || '');
  const browser = pick(BROWSERS, s);
  const os = pick(SYSTEMS, s);
  if (browser && os) return { key: 'device.format', args: { browser, os } };
  if (browser || os) return { key: 'device.only', args: { name: browser || os } };
  return { key: 'device.unknown', args: null };
}
