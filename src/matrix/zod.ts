/**
 * zod, loaded without its translations. zod's index loads every one of its 60-odd message locales when it
 * starts (about 30 ms of the 45 ms it takes, on a 140 ms cdk8s start-up), though this project writes its own
 * messages and zod's English default is loaded apart from them. Before zod loads, its locales module is
 * registered with a getter per locale that loads that locale only when asked for, so the API is unchanged.
 * When zod's files are not laid out as expected, nothing is registered and zod loads as it is.
 */
import { readdirSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';

/** What zod's locales index exports for a locale file, as its `__importDefault` reads it. */
function defaultExport(loaded: unknown): unknown {
  return typeof loaded === 'object' && loaded !== null && '__esModule' in loaded && 'default' in loaded ? loaded.default : loaded;
}

function registerLazyLocales(): void {
  let index: string;
  try {
    index = require.resolve('zod/v4/locales');
  } catch {
    return;
  }
  if (require.cache[index] !== undefined || basename(index) !== 'index.cjs') return;
  const folder = dirname(index);
  const files = readdirSync(folder).filter((file) => file.endsWith('.cjs') && file !== 'index.cjs');
  if (!files.includes('en.cjs')) return;
  const locales: Record<string, unknown> = {};
  Object.defineProperty(locales, '__esModule', { value: true });
  for (const file of files) {
    // Locale names are camel-cased file names: zh-CN.cjs is zhCN.
    const name = file.slice(0, -'.cjs'.length).replace(/-([a-zA-Z])/g, (_, letter: string) => letter.toUpperCase());
    Object.defineProperty(locales, name, {
      enumerable: true,
      get: () => defaultExport(require(join(folder, file))), // eslint-disable-line @typescript-eslint/no-require-imports -- loaded when the locale is asked for
    });
  }
  const module = new (require('node:module') as typeof import('node:module'))(index); // eslint-disable-line @typescript-eslint/no-require-imports -- a module object for require's cache
  module.filename = index;
  module.loaded = true;
  module.exports = locales;
  require.cache[index] = module;
}

// Before the re-export below: the CommonJS output keeps this order, so zod loads after the registration.
registerLazyLocales();

export { z } from 'zod';
