import type { CliCommand } from '../main.js';
export const demoCommand: CliCommand = { name: 'demo', describe: 'todo', builder: (y) => y, run: async () => 1 };
