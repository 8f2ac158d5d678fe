// A relationship connection paged both ways: relay-compiler turns the
// fragment into EventParticipantsPaginationQuery (a node(id:) refetch of
// the event), and check.mjs pages it through relay-runtime.
import { graphql } from 'relay-runtime';

export const fragment = graphql`
  fragment EventParticipants_event on Event
  @refetchable(queryName: "EventParticipantsPaginationQuery")
  @argumentDefinitions(
    first: { type: "Int" }
    after: { type: "String" }
    last: { type: "Int" }
    before: { type: "String" }
  ) {
    participantsConnection(first: $first, after: $after, last: $last, before: $before)
      @connection(key: "EventParticipants_participantsConnection") {
      totalCount
      edges {
        role
        node {
          id
          name
        }
      }
    }
  }
`;
