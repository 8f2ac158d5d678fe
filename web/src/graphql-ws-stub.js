// @graphiql/toolkit lazily imports "graphql-ws" only when a subscriptionUrl
// is configured. We never configure one, so we replace the optional
// dependency with this stub instead of bundling (or leaving unresolved) it.
export function createClient() {
  throw new Error('GraphQL subscriptions over websockets are not enabled in this build');
}
