import type { CliCommand } from '../main.js';
export const cloudsCommand: CliCommand = { name: 'clouds', describe: 'todo', builder: (y) => y, run: async () => 1 };
