import { useQuery } from "@urql/preact";
import { Field } from "../../ui/Field";
import { InviteTargetsDocument } from "./peopleDocuments";

type Props = {
  id: string;
  which: "client" | "supplier";
  value: string;
  onChange: (id: string) => void;
  error?: string;
};

/** Staff choose the client or supplier a person or a key will speak for. */
export function OwnerField({ id, which, value, onChange, error }: Props) {
  const [targets] = useQuery({ query: InviteTargetsDocument });
  const owners =
    which === "client"
      ? targets.data?.clients.edges.map((e) => e.node)
      : targets.data?.suppliers.edges.map((e) => e.node);
  return (
    <Field id={id} label={which === "client" ? "Client" : "Supplier"} error={error}>
      {(describedBy) => (
        <select
          id={id}
          aria-describedby={describedBy}
          value={value}
          onChange={(e) => onChange(e.currentTarget.value)}
        >
          <option value="">Choose…</option>
          {(owners ?? []).map((o) => (
            <option value={o.id}>
              {o.code} · {o.name}
            </option>
          ))}
        </select>
      )}
    </Field>
  );
}
