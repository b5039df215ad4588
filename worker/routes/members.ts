import { createRoute, z } from "@hono/zod-openapi";
import { Deleted } from "../api-contract";
import { errorResponses } from "../errors";
import { Member, MemberList, UpdateMemberBody } from "../homes/contract";
import { changeRole, listMembers, removeMember } from "../homes/service";
import { actorOf, bearerAuth, createRouter, IdParam, jsonBody, jsonResponse, resourceId } from "./router";

export const membersRoutes = createRouter();

const MemberParams = IdParam.extend({ userId: z.string() });

membersRoutes.openapi(
  createRoute({
    method: "get",
    path: "/api/homes/{id}/members",
    tags: ["homes"],
    summary: "The home's members and their roles",
    security: bearerAuth,
    request: { params: IdParam },
    responses: { 200: jsonResponse("Members", MemberList), ...errorResponses(401, 404) },
  }),
  async (c) => c.json(await listMembers(actorOf(c)), 200),
);

membersRoutes.openapi(
  createRoute({
    method: "patch",
    path: "/api/homes/{id}/members/{userId}",
    tags: ["homes"],
    summary: "Change a member's role (owners; the last owner cannot be demoted: 409)",
    security: bearerAuth,
    request: { params: MemberParams, ...jsonBody(UpdateMemberBody) },
    responses: { 200: jsonResponse("The member", Member), ...errorResponses(400, 401, 403, 404, 409) },
  }),
  async (c) => c.json(await changeRole(actorOf(c), resourceId(c.req.valid("param").userId, "Member"), c.req.valid("json").role), 200),
);

membersRoutes.openapi(
  createRoute({
    method: "delete",
    path: "/api/homes/{id}/members/{userId}",
    tags: ["homes"],
    summary: "Remove a member (owners), or leave (your own id); the last owner cannot leave: 409",
    security: bearerAuth,
    request: { params: MemberParams },
    responses: { 200: jsonResponse("Removed", Deleted), ...errorResponses(401, 403, 404, 409) },
  }),
  async (c) => c.json(await removeMember(actorOf(c), resourceId(c.req.valid("param").userId, "Member")), 200),
);
