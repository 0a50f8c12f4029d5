import type { RecordedCall } from './backend';

/** The form fields of a provider request (Africa's Talking and Twilio post forms). */
export const formOf = (call: RecordedCall) => Object.fromEntries(new URLSearchParams(call.body));

/** Africa's Talking's answer to an accepted send (its real wire format), with this message id. */
export function africasTalkingAccepted(call: RecordedCall, messageId: string) {
  return {
    status: 201,
    body: {
      SMSMessageData: {
        Message: 'Sent to 1/1 Total Cost: TZS 20.0000',
        Recipients: [
          {
            statusCode: 101,
            number: formOf(call).to,
            status: 'Success',
            cost: 'TZS 20.0000',
            messageId,
          },
        ],
      },
    },
  };
}
