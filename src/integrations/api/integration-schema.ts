/** Schema pieces every integration type shares (see schema-check.ts for how they are read). */

/** A whole number within bounds, its message naming the field. */
export const wholeNumber = (path: string, minimum: number, maximum: number) => ({
  type: 'integer',
  minimum,
  maximum,
  message: `${path} must be a whole number from ${minimum} to ${maximum}.`,
});

/** The fields of every integration body: `type` (checked by the registry first) and `name`. */
export const COMMON_FIELDS = {
  type: { type: 'string' },
  name: {
    type: 'string',
    minLength: 1,
    maxLength: 100,
    pattern: '^[A-Za-z0-9_.-]+$',
    message: 'name must be 1 to 100 characters: letters, digits, "_", "." and "-".',
  },
};

/** Fields of a record that a client may send back in a PATCH (the service checks them). */
export const READ_ONLY_FIELDS = { id: {}, chatbot_id: {}, created_at: {}, updated_at: {} };
