/**
 * The part of an Amazon SES event notification (as SNS delivers it to the webhook) that the
 * application reads. Other fields may be present and are ignored.
 */
export interface SesNotification {
  readonly notificationType: "Delivery" | "Bounce" | "Complaint" | (string & {});
  readonly mail: {
    /** The id SES returned when the message was sent. */
    readonly messageId: string;
    readonly timestamp?: string;
    readonly source?: string;
    readonly destination?: readonly string[];
  };
  readonly delivery?: {
    readonly timestamp?: string;
    readonly recipients?: readonly string[];
    readonly smtpResponse?: string;
  };
  readonly bounce?: {
    readonly bounceType: "Permanent" | "Transient" | "Undetermined" | (string & {});
    readonly bounceSubType?: string;
    readonly bouncedRecipients: readonly {
      readonly emailAddress: string;
      readonly diagnosticCode?: string;
    }[];
    readonly timestamp?: string;
  };
  readonly complaint?: {
    readonly complainedRecipients: readonly { readonly emailAddress: string }[];
    readonly complaintFeedbackType?: string;
    readonly timestamp?: string;
  };
}

export const SES_NOTIFICATION_TYPES = ["Delivery", "Bounce", "Complaint"] as const;
