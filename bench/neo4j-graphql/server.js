// The @neo4j/graphql v7 comparison target of Lysøen's benchmark:
// type definitions equivalent to Lysøen's graph model (docs/graph-model.md), served by
// graphql-yoga. The library translates each operation into one Cypher
// statement. Full-text search, the 2-hop neighbourhood and the upsert-plus-link
// mutation have no generated equivalent, so they use the library's own escape
// hatch (@cypher fields), as a user of the library would.
//
//   NEO4J_URI=bolt://127.0.0.1:7687 NEO4J_PASSWORD=… PORT=4000 node server.js
import { createServer } from "node:http";
import { Neo4jGraphQL } from "@neo4j/graphql";
import { createYoga } from "graphql-yoga";
import neo4j from "neo4j-driver";

const typeDefs = /* GraphQL */ `
  interface Actor {
    id: ID!
    name: String!
  }

  type MemberOf @relationshipProperties {
    role: String
    since: String
    until: String
  }
  type ParticipatedIn @relationshipProperties {
    role: String
  }
  type SignatoryOf @relationshipProperties {
    signed: String
    ratified: String
  }
  type SeeksPartnershipWith @relationshipProperties {
    status: String
  }

  type Country implements Actor @node(labels: ["Country", "Actor"]) {
    id: ID!
    name: String!
    iso3: String!
    iso2: String
    region: String
    memberships: [Initiative!]! @relationship(type: "MEMBER_OF", direction: OUT, properties: "MemberOf")
    organizations: [Organization!]! @relationship(type: "MEMBER_OF", direction: OUT, properties: "MemberOf")
    participations: [Event!]! @relationship(type: "PARTICIPATED_IN", direction: OUT, properties: "ParticipatedIn")
    signatures: [Agreement!]! @relationship(type: "SIGNATORY_OF", direction: OUT, properties: "SignatoryOf")
    eventsHeld: [Event!]! @relationship(type: "HELD_IN", direction: IN)
  }

  type Organization implements Actor @node(labels: ["Organization", "Actor"]) {
    id: ID!
    name: String!
    kind: String
    acronym: String
    members: [Actor!]! @relationship(type: "MEMBER_OF", direction: IN, properties: "MemberOf")
    memberships: [Initiative!]! @relationship(type: "MEMBER_OF", direction: OUT, properties: "MemberOf")
    participations: [Event!]! @relationship(type: "PARTICIPATED_IN", direction: OUT, properties: "ParticipatedIn")
    signatures: [Agreement!]! @relationship(type: "SIGNATORY_OF", direction: OUT, properties: "SignatoryOf")
  }

  type IssueArea @node {
    id: ID!
    name: String!
    description: String
    initiatives: [Initiative!]! @relationship(type: "ADDRESSES", direction: IN)
    events: [Event!]! @relationship(type: "ADDRESSES", direction: IN)
    agreements: [Agreement!]! @relationship(type: "ADDRESSES", direction: IN)
  }

  type Initiative @node {
    id: ID!
    name: String!
    kind: String
    objective: String
    startDate: String
    endDate: String
    members: [Actor!]! @relationship(type: "MEMBER_OF", direction: IN, properties: "MemberOf")
    events: [Event!]! @relationship(type: "PART_OF", direction: IN)
    issueAreas: [IssueArea!]! @relationship(type: "ADDRESSES", direction: OUT)
    establishedBy: [Agreement!]! @relationship(type: "ESTABLISHED_BY", direction: OUT)
    seeksPartnershipWith: [Actor!]! @relationship(type: "SEEKS_PARTNERSHIP_WITH", direction: OUT, properties: "SeeksPartnershipWith")
  }

  type Event @node {
    id: ID!
    name: String!
    kind: String
    startDate: String
    endDate: String
    datePrecision: String
    location: String
    status: String
    participants: [Actor!]! @relationship(type: "PARTICIPATED_IN", direction: IN, properties: "ParticipatedIn")
    partOf: [Initiative!]! @relationship(type: "PART_OF", direction: OUT)
    issueAreas: [IssueArea!]! @relationship(type: "ADDRESSES", direction: OUT)
    heldIn: [Country!]! @relationship(type: "HELD_IN", direction: OUT)
    follows: [Event!]! @relationship(type: "FOLLOWS", direction: OUT)
    followedBy: [Event!]! @relationship(type: "FOLLOWS", direction: IN)
  }

  type Agreement @node {
    id: ID!
    name: String!
    kind: String
    adoptedOn: String
    signatories: [Actor!]! @relationship(type: "SIGNATORY_OF", direction: IN, properties: "SignatoryOf")
    issueAreas: [IssueArea!]! @relationship(type: "ADDRESSES", direction: OUT)
    establishes: [Initiative!]! @relationship(type: "ESTABLISHED_BY", direction: IN)
  }

  type SearchHit {
    id: ID!
    label: String!
    name: String!
    score: Float!
  }

  type GraphNode {
    id: ID!
    label: String!
    name: String
  }
  type GraphEdge {
    source: ID!
    type: String!
    target: ID!
  }
  type Subgraph {
    nodes: [GraphNode!]!
    edges: [GraphEdge!]!
  }

  type Query {
    search(query: String!, first: Int!): [SearchHit!]!
      @cypher(
        statement: """
        CALL db.index.fulltext.queryNodes('node_names', $query) YIELD node, score
        WITH node, score ORDER BY score DESC, node.name, node.id LIMIT $first
        RETURN {id: node.id, label: labels(node)[0], name: node.name, score: score} AS hit
        """
        columnName: "hit"
      )
    neighborhood(id: ID!, limit: Int!): Subgraph
      @cypher(
        statement: """
        MATCH (s:Initiative {id: $id})
        CALL (s) {
          MATCH (s)-[r]-(m) RETURN r, m
          UNION
          MATCH (s)--(x)-[r]-(m) WHERE m <> s RETURN r, m
        }
        WITH s, collect(DISTINCT m)[..$limit] AS ns, collect(DISTINCT r) AS rs
        WITH [s] + ns AS all, rs
        RETURN {
          nodes: [n IN all | {id: n.id, label: labels(n)[0], name: n.name}],
          edges: [r IN rs WHERE startNode(r) IN all AND endNode(r) IN all | {source: startNode(r).id, type: type(r), target: endNode(r).id}]
        } AS sg
        """
        columnName: "sg"
      )
  }

  type Mutation {
    upsertOrganizationAndLink(id: ID!, name: String!, initiativeId: ID!, role: String!): Organization
      @cypher(
        statement: """
        MERGE (o:Organization:Actor {id: $id})
        SET o.name = $name, o.updatedAt = datetime()
        WITH o
        MATCH (i:Initiative {id: $initiativeId})
        MERGE (o)-[r:MEMBER_OF]->(i)
        SET r.role = $role, r.updatedAt = datetime()
        RETURN o
        """
        columnName: "o"
      )
  }
`;

const driver = neo4j.driver(
  process.env.NEO4J_URI || "bolt://127.0.0.1:7687",
  neo4j.auth.basic(process.env.NEO4J_USER || "neo4j", process.env.NEO4J_PASSWORD || ""),
);
const neoSchema = new Neo4jGraphQL({
  typeDefs,
  driver,
  // Range filters on strings (dates are stored as ISO strings of day or month precision).
  features: { filters: { String: { LT: true, LTE: true, GT: true, GTE: true } } },
});
const schema = await neoSchema.getSchema();
const yoga = createYoga({ schema, graphqlEndpoint: "/graphql", logging: false, landingPage: false, maskedErrors: false });
const port = Number(process.env.PORT || 4000);
createServer(yoga).listen(port, "127.0.0.1", () => {
  console.log(`@neo4j/graphql ready on http://127.0.0.1:${port}/graphql`);
});
