import type { CliCommand } from '../main.js';
export const sandboxCommand: CliCommand = { name: 'sandbox', describe: 'todo', builder: (y) => y, run: async () => 1 };
