export { Authenticator } from './auth.ts';
export { Broker, type BrokerOptions } from './broker.ts';
export { brokerCommand } from './command.ts';
export { createHooks, MQTT5_REASON } from './hooks.ts';
export { hashPassword, verifyPassword } from './password.ts';
export { parseUsers, UsersWatcher } from './users.ts';
