/* eslint-disable */
import * as types from './graphql';
import type { TypedDocumentNode as DocumentNode } from '@graphql-typed-document-node/core';

/**
 * Map of all GraphQL operations in the project.
 *
 * This map has several performance disadvantages:
 * 1. It is not tree-shakeable, so it will include all operations in the project.
 * 2. It is not minifiable, so the string of a GraphQL query will be multiple times inside the bundle.
 * 3. It does not support dead code elimination, so it will add unused operations.
 *
 * Therefore it is highly recommended to use the babel or swc plugin for production.
 * Learn more about it here: https://the-guild.dev/graphql/codegen/plugins/presets/preset-client#reducing-bundle-size
 */
type Documents = {
    "\n  query MyWallet {\n    me {\n      id\n      cardNumber\n      balance\n    }\n  }\n": typeof types.MyWalletDocument,
    "\n  query OperatorPartners {\n    partners(first: 100) {\n      edges {\n        node {\n          id\n          name\n          category\n          currency\n        }\n      }\n    }\n  }\n": typeof types.OperatorPartnersDocument,
    "\n  query TillCard($cardNumber: String!) {\n    member(cardNumber: $cardNumber) {\n      id\n      cardNumber\n      balance\n    }\n  }\n": typeof types.TillCardDocument,
    "\n  query WhoAmI {\n    viewerRole\n  }\n": typeof types.WhoAmIDocument,
    "\n  query PartnerSelf {\n    currentPartner {\n      id\n      name\n      category\n      currency\n    }\n  }\n": typeof types.PartnerSelfDocument,
    "\n  query MemberSelf {\n    me {\n      cardNumber\n    }\n  }\n": typeof types.MemberSelfDocument,
};
const documents: Documents = {
    "\n  query MyWallet {\n    me {\n      id\n      cardNumber\n      balance\n    }\n  }\n": types.MyWalletDocument,
    "\n  query OperatorPartners {\n    partners(first: 100) {\n      edges {\n        node {\n          id\n          name\n          category\n          currency\n        }\n      }\n    }\n  }\n": types.OperatorPartnersDocument,
    "\n  query TillCard($cardNumber: String!) {\n    member(cardNumber: $cardNumber) {\n      id\n      cardNumber\n      balance\n    }\n  }\n": types.TillCardDocument,
    "\n  query WhoAmI {\n    viewerRole\n  }\n": types.WhoAmIDocument,
    "\n  query PartnerSelf {\n    currentPartner {\n      id\n      name\n      category\n      currency\n    }\n  }\n": types.PartnerSelfDocument,
    "\n  query MemberSelf {\n    me {\n      cardNumber\n    }\n  }\n": types.MemberSelfDocument,
};

/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 *
 *
 * @example
 * ```ts
 * const query = graphql(`query GetUser($id: ID!) { user(id: $id) { name } }`);
 * ```
 *
 * The query argument is unknown!
 * Please regenerate the types.
 */
export function graphql(source: string): unknown;

/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query MyWallet {\n    me {\n      id\n      cardNumber\n      balance\n    }\n  }\n"): (typeof documents)["\n  query MyWallet {\n    me {\n      id\n      cardNumber\n      balance\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query OperatorPartners {\n    partners(first: 100) {\n      edges {\n        node {\n          id\n          name\n          category\n          currency\n        }\n      }\n    }\n  }\n"): (typeof documents)["\n  query OperatorPartners {\n    partners(first: 100) {\n      edges {\n        node {\n          id\n          name\n          category\n          currency\n        }\n      }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query TillCard($cardNumber: String!) {\n    member(cardNumber: $cardNumber) {\n      id\n      cardNumber\n      balance\n    }\n  }\n"): (typeof documents)["\n  query TillCard($cardNumber: String!) {\n    member(cardNumber: $cardNumber) {\n      id\n      cardNumber\n      balance\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query WhoAmI {\n    viewerRole\n  }\n"): (typeof documents)["\n  query WhoAmI {\n    viewerRole\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query PartnerSelf {\n    currentPartner {\n      id\n      name\n      category\n      currency\n    }\n  }\n"): (typeof documents)["\n  query PartnerSelf {\n    currentPartner {\n      id\n      name\n      category\n      currency\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query MemberSelf {\n    me {\n      cardNumber\n    }\n  }\n"): (typeof documents)["\n  query MemberSelf {\n    me {\n      cardNumber\n    }\n  }\n"];

export function graphql(source: string) {
  return (documents as any)[source] ?? {};
}

export type DocumentType<TDocumentNode extends DocumentNode<any, any>> = TDocumentNode extends DocumentNode<  infer TType,  any>  ? TType  : never;