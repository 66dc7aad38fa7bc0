/** A JSON value: what the models' data becomes once read (Nix integers become numbers). */
export type JsonValue = string | number | boolean | null | JsonValue[] | { [key: string]: JsonValue };
