/** Keystone v3: authentication, the service catalog, and read access to identity resources. */
export * as domains from './domains.js';
export * as projects from './projects.js';
export * as users from './users.js';
export * as roles from './roles.js';
export * as roleAssignments from './role-assignments.js';
