/** A checked phone number as `+` and its digits: one user id on every channel. */
export const e164 = (phone: string): string => `+${phone.replace(/[^0-9]/g, '')}`;
