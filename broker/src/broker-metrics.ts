// The broker's Prometheus metrics, on the service's own registry.
import { counter, gauge, type Registry } from '@kubeblink/core';

export type Action = 'connect' | 'publish' | 'subscribe';

export function brokerMetrics(registry: Registry) {
  return {
    clients: gauge(registry, 'kubeblink_broker_clients', 'Connected MQTT clients'),
    connections: counter(registry, 'kubeblink_broker_connections_total', 'Accepted network connections', ['transport']),
    authenticated: counter(registry, 'kubeblink_broker_authentications_total', 'Successful authentications', [
      'via',
      'role',
    ]),
    denials: counter(
      registry,
      'kubeblink_broker_denials_total',
      'Refused connections, publishes and subscriptions, by reason',
      ['action', 'reason'],
    ),
    published: counter(registry, 'kubeblink_broker_messages_published_total', 'Publishes accepted, by topic kind', [
      'kind',
    ]),
    throttled: counter(
      registry,
      'kubeblink_broker_publishes_throttled_total',
      'Publishes delayed by the per-client rate limit',
    ),
    clientErrors: counter(registry, 'kubeblink_broker_client_errors_total', 'Connections closed on an error', [
      'reason',
    ]),
    slowSubscribers: counter(
      registry,
      'kubeblink_broker_slow_subscribers_total',
      'Subscribers disconnected because their outgoing queue was over its bounds or did not drain in time',
      ['reason'],
    ),
    passwordChecks: counter(
      registry,
      'kubeblink_broker_password_checks_total',
      'scrypt password checks run (cache hits excluded; an unknown username is checked against a decoy hash), by result',
      ['result'],
    ),
    unauthenticated: gauge(
      registry,
      'kubeblink_broker_unauthenticated_connections',
      'Connections that have not authenticated yet',
    ),
    usersReloads: counter(registry, 'kubeblink_broker_users_reloads_total', 'Users file (re)loads', ['result']),
    tokenRevocations: counter(
      registry,
      'kubeblink_broker_token_revocations_total',
      'Token clients disconnected by a re-check: token no longer valid, ServiceAccount or pod gone, mapping removed or changed',
      ['reason'],
    ),
    tokenReviews: counter(registry, 'kubeblink_broker_token_reviews_total', 'TokenReview results', [
      'result',
      'cached',
    ]),
  };
}

export type BrokerMetrics = ReturnType<typeof brokerMetrics>;
