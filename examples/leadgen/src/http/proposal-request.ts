import { PROPOSAL_TYPES, type ProposalType } from "../store/records.js";
import { HttpError } from "./http-error.js";

/** The body of `POST /proposals`: the fields of a GenerateProposalMessage. */
export interface ProposalRequest {
  readonly leadId: number;
  readonly userId: number;
  readonly proposalType: ProposalType;
  readonly analysisId: number | null;
}

/** Checks the body field by field; the first wrong one is a 400 that names it and what is allowed. */
export function parseProposalRequest(body: unknown): ProposalRequest {
  if (typeof body !== "object" || body === null || Array.isArray(body)) {
    throw invalid(`Expected a JSON object {"leadId", "userId", "proposalType", "analysisId"?}.`);
  }
  const fields = body as Record<string, unknown>;
  const known = new Set(["leadId", "userId", "proposalType", "analysisId"]);
  const unknown = Object.keys(fields).filter((key) => !known.has(key));
  if (unknown.length > 0) {
    throw invalid(`Unknown field ${JSON.stringify(unknown[0])}; allowed: ${[...known].join(", ")}.`);
  }
  const leadId = id(fields, "leadId");
  const userId = id(fields, "userId");
  const proposalType = fields.proposalType ?? "redesign";
  if (!(PROPOSAL_TYPES as readonly unknown[]).includes(proposalType)) {
    throw invalid(
      `proposalType ${JSON.stringify(proposalType)} is not allowed; use one of: ${PROPOSAL_TYPES.join(", ")}.`,
    );
  }
  return {
    leadId,
    userId,
    proposalType: proposalType as ProposalType,
    analysisId:
      fields.analysisId === undefined || fields.analysisId === null ? null : id(fields, "analysisId"),
  };
}

function id(fields: Record<string, unknown>, key: string): number {
  const value = fields[key];
  if (typeof value !== "number" || !Number.isSafeInteger(value) || value <= 0) {
    throw invalid(`${key} ${JSON.stringify(value ?? null)} is not an id: expected a whole number from 1.`);
  }
  return value;
}

function invalid(message: string): HttpError {
  return new HttpError(400, "INVALID_PROPOSAL_REQUEST", message);
}
