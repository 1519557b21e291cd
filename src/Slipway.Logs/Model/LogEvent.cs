namespace Slipway.Logs.Model;

/// <summary>One log event as Slipway stores it: parsed syslog fields, or the raw text with <see cref="EventMarks.ParseError"/>.</summary>
public sealed record LogEvent
{
    /// <summary>When Slipway received it (the server's clock): the order of the table and of paging.</summary>
    public required DateTimeOffset ReceivedAt { get; init; }

    /// <summary>The time the sender wrote into the message, null when it gave none or it did not parse.</summary>
    public DateTimeOffset? ReportedAt { get; init; }

    public int Facility { get; init; } = SyslogNames.UserFacility;

    public int Severity { get; init; } = SyslogNames.NoticeSeverity;

    public string Host { get; init; } = "";

    /// <summary>RFC 5424 APP-NAME, or RFC 3164 TAG without its "[pid]".</summary>
    public string Program { get; init; } = "";

    public string ProcId { get; init; } = "";

    public string MsgId { get; init; } = "";

    /// <summary>RFC 5424 structured data as sent ("[id k=\"v\"]…"), empty when none.</summary>
    public string StructuredData { get; init; } = "";

    public required string Message { get; init; }

    public EventMarks Flags { get; init; }

    /// <summary>The traceback group of a reassembled traceback (see Tracebacks/), else null.</summary>
    public string? Fingerprint { get; init; }

    /// <summary>"ValueError: bad input" — the headline of the traceback group, when <see cref="Fingerprint"/> is set.</summary>
    public string? Title { get; init; }
}

[Flags]
public enum EventMarks
{
    None = 0,

    /// <summary>The input did not parse as syslog; <see cref="LogEvent.Message"/> holds it raw.</summary>
    ParseError = 1,

    /// <summary>The message was longer than the size limit and was cut (the message ends with a marker).</summary>
    Truncated = 2,

    /// <summary>Reassembled from several lines of one source.</summary>
    Reassembled = 4,
}
