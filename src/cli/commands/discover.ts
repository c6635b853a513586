import type { CliCommand } from '../main.js';
export const discoverCommand: CliCommand = { name: 'discover', describe: 'todo', builder: (y) => y, run: async () => 1 };
