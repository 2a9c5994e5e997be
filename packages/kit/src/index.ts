// @kubeblink/kit: everything here runs in Node and in browsers (no Node-only imports).
export { type BusMessage, type MessageHandlers, type MessageOf, routeMessage } from './handlers.ts';
export { type ConnectionListener, connectKit, type KitOptions, SubscriberKit } from './kit.ts';
export { type ChangeListener, ClusterModel, type ModelChange } from './model.ts';
export type { EventOf, EventPattern, Handler, SignalName, SignalOf } from './router.ts';
export { Router } from './router.ts';
export { Subscriber, type SubscriberOptions, type Subscription } from './subscriber.ts';
