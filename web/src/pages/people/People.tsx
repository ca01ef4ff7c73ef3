import { useMutation, useQuery } from "@urql/preact";
import { useState } from "preact/hooks";
import { formatTime, humanize } from "../../format";
import type { UserRole } from "../../gql/graphql";
import { Link } from "../../router";
import { useSession } from "../../session";
import { DataTable } from "../../ui/DataTable";
import { Field } from "../../ui/Field";
import { TextField } from "../../ui/TextField";
import { fieldErrorsOf, problemOf } from "../../ui/mutationResult";
import { OneTimeSecret } from "../../ui/OneTimeSecret";
import { Pager, useCursorPages } from "../../ui/Pager";
import { ErrorNote, Loading } from "../../ui/states";
import { OwnerField } from "./OwnerField";
import {
  ChangeRoleDocument,
  DeactivateDocument,
  InviteDocument,
  PeopleDocument,
} from "./peopleDocuments";
import { invitableRoles, ownerOf, rolesLike } from "./roles";

/** The tenant's people: invite one (the link is shown once), change a role, deactivate one. */
export function People() {
  const { viewer, timeZone } = useSession();
  const pages = useCursorPages();
  const [result, refetch] = useQuery({
    query: PeopleDocument,
    variables: { first: 50, after: pages.after },
  });
  const [, deactivate] = useMutation(DeactivateDocument);
  const [, changeRole] = useMutation(ChangeRoleDocument);
  const [problem, setProblem] = useState<string>();
  const refresh = () => refetch({ requestPolicy: "network-only" });
  const people = result.data?.users.edges.map((e) => e.node) ?? [];

  async function end(id: string, email: string) {
    if (!window.confirm(`Deactivate ${email}? They are signed out at once.`)) return;
    setProblem(problemOf(await deactivate({ id })));
    refresh();
  }

  async function moveTo(id: string, role: UserRole) {
    setProblem(problemOf(await changeRole({ id, role })));
    refresh();
  }

  function roleCell(p: (typeof people)[number]) {
    const choices = rolesLike(p.role, viewer.kind);
    if (p.status === "DEACTIVATED" || choices.length < 2 || !choices.includes(p.role))
      return humanize(p.role);
    return (
      <select
        aria-label={`Role of ${p.email}`}
        value={p.role}
        onChange={(e) => moveTo(p.id, e.currentTarget.value as UserRole)}
      >
        {choices.map((r) => (
          <option value={r}>{humanize(r)}</option>
        ))}
      </select>
    );
  }

  return (
    <section aria-labelledby="people-title">
      <h1 id="people-title">People</h1>
      <InviteForm onInvited={refresh} />
      <ErrorNote error={problem ?? result.error} />
      {result.fetching && !result.data ? (
        <Loading what="people" />
      ) : (
        <DataTable
          label="People"
          rows={people}
          rowKey={(p) => p.id}
          empty="Nobody yet."
          columns={[
            { header: "Name", cell: (p) => p.name || "—" },
            { header: "E-mail", cell: (p) => p.email },
            { header: "Role", cell: roleCell },
            { header: "Of", cell: (p) => p.client?.code ?? p.supplier?.code ?? "—" },
            { header: "Status", cell: (p) => humanize(p.status) },
            { header: "Since", cell: (p) => formatTime(p.createdAt, timeZone) },
            {
              header: "",
              cell: (p) => (
                <Link href={`/sign-ins?${new URLSearchParams({ person: p.id, name: p.name || p.email })}`}>
                  Sign-ins<span class="sr-only"> of {p.email}</span>
                </Link>
              ),
            },
            {
              header: "",
              cell: (p) =>
                p.status !== "DEACTIVATED" && p.id !== viewer.user?.id ? (
                  <button type="button" class="danger" onClick={() => end(p.id, p.email)}>
                    Deactivate<span class="sr-only"> {p.email}</span>
                  </button>
                ) : null,
            },
          ]}
        />
      )}
      <Pager
        page={pages.page}
        hasNext={Boolean(result.data?.users.pageInfo.hasNextPage)}
        onNext={() => pages.next(result.data?.users.pageInfo.endCursor)}
        onPrevious={pages.previous}
      />
    </section>
  );
}

function InviteForm({ onInvited }: { onInvited: () => void }) {
  const { viewer } = useSession();
  const roles = invitableRoles(viewer.kind);
  const staff = viewer.kind === "PROVIDER";
  const [, invite] = useMutation(InviteDocument);
  const [email, setEmail] = useState("");
  const [role, setRole] = useState<UserRole>(roles[0]);
  const [owner, setOwner] = useState("");
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [link, setLink] = useState<string>();
  const needs = staff ? ownerOf(role) : null;

  async function submit(event: Event) {
    event.preventDefault();
    setLink(undefined);
    const answer = await invite({
      input: {
        email: email.trim(),
        role,
        clientId: needs === "client" ? owner || null : null,
        supplierId: needs === "supplier" ? owner || null : null,
      },
    });
    const found = fieldErrorsOf(answer);
    setErrors(found);
    const url = answer.data?.inviteUser.invitationUrl;
    if (Object.keys(found).length === 0 && url) {
      setLink(url);
      setEmail("");
      onInvited();
    }
  }

  return (
    <form class="panel" aria-label="Invite someone" onSubmit={submit}>
      <h2>Invite someone</h2>
      <div class="line-row">
        <TextField
          id="invite-email"
          label="E-mail"
          type="email"
          required
          value={email}
          onValue={setEmail}
          error={errors.email}
        />
        <Field id="invite-role" label="Role" error={errors.role}>
          {(describedBy) => (
            <select
              id="invite-role"
              aria-describedby={describedBy}
              value={role}
              onChange={(e) => {
                setRole(e.currentTarget.value as UserRole);
                setOwner("");
              }}
            >
              {roles.map((r) => (
                <option value={r}>{humanize(r)}</option>
              ))}
            </select>
          )}
        </Field>
        {needs ? (
          <OwnerField
            id="invite-owner"
            which={needs}
            value={owner}
            onChange={setOwner}
            error={errors.clientId ?? errors.supplierId}
          />
        ) : null}
        <button type="submit">Invite</button>
      </div>
      <ErrorNote error={errors[""]} />
      {link ? (
        <OneTimeSecret
          label="Invitation link"
          value={link}
          note="Shown once: hand it to the person (there is no mail server). It works once, until it expires."
        />
      ) : null}
    </form>
  );
}
