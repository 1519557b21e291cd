using System.Globalization;
using System.Text;
using Slipway.Logs.Model;

namespace Slipway.Logs.Parsing;

/// <summary>
/// Parses one syslog message: RFC 5424 ("&lt;PRI&gt;1 TS HOST APP PROCID MSGID SD MSG"), RFC 3164
/// ("&lt;PRI&gt;Mmm dd hh:mm:ss HOST TAG[pid]: MSG") and the bare "&lt;PRI&gt;MSG" of Python's SysLogHandler.
/// Never throws: what does not parse is kept raw with <see cref="EventMarks.ParseError"/>.
/// </summary>
public sealed class SyslogParser(TimeZoneInfo? zoneForLocalTimes = null)
{
    /// <summary>The marker appended to a message cut at the size limit.</summary>
    public const string TruncationMarker = " …[truncated]";

    private static readonly string[] Months = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];

    private static readonly string[] Rfc3339Formats =
    [
        "yyyy-MM-dd'T'HH:mm:ssK", "yyyy-MM-dd'T'HH:mm:ss.FFFFFFFK", "yyyy-MM-dd'T'HH:mm:ss", "yyyy-MM-dd'T'HH:mm:ss.FFFFFFF",
    ];

    private readonly TimeZoneInfo _zone = zoneForLocalTimes ?? TimeZoneInfo.Local;

    /// <summary>Host, program, proc id and msg id repeat from event to event: one string each, not one per event.</summary>
    private readonly NameCache _names = new();

    public LogEvent Parse(ReadOnlySpan<byte> frame, DateTimeOffset receivedAt, string fallbackHost = "", bool truncated = false)
    {
        var text = Encoding.UTF8.GetString(frame);
        return Parse(text, receivedAt, fallbackHost, truncated);
    }

    public LogEvent Parse(string text, DateTimeOffset receivedAt, string fallbackHost = "", bool truncated = false)
    {
        text = text.TrimEnd('\n', '\r', '\0');
        var flags = truncated ? EventMarks.Truncated : EventMarks.None;
        LogEvent result;
        try
        {
            result = ParseCore(text, receivedAt, fallbackHost) ?? Raw(text, receivedAt, fallbackHost);
        }
        catch (Exception e) when (e is FormatException or ArgumentException or OverflowException or IndexOutOfRangeException)
        {
            // Defensive: the parser is written not to throw, but a sender must never be able to make intake fail.
            result = Raw(text, receivedAt, fallbackHost);
        }

        if (flags == EventMarks.None)
        {
            return result;
        }

        flags |= result.Flags;
        var message = flags.HasFlag(EventMarks.Truncated) ? result.Message + TruncationMarker : result.Message;
        return result with { Flags = flags, Message = message };
    }

    private static LogEvent Raw(string text, DateTimeOffset receivedAt, string fallbackHost) =>
        new() { ReceivedAt = receivedAt, Host = fallbackHost, Message = text, Flags = EventMarks.ParseError };

    private LogEvent? ParseCore(string text, DateTimeOffset receivedAt, string fallbackHost)
    {
        if (!TryParsePri(text, out var pri, out var pos))
        {
            return null;
        }

        var facility = pri / 8;
        var severity = pri % 8;
        if (pos + 1 < text.Length && text[pos] == '1' && text[pos + 1] == ' ')
        {
            return Parse5424(text, pos + 2, receivedAt, fallbackHost, facility, severity);
        }

        return Parse3164(text, pos, receivedAt, fallbackHost, facility, severity);
    }

    private static bool TryParsePri(string text, out int pri, out int pos)
    {
        pri = 0;
        pos = 0;
        if (text.Length < 3 || text[0] != '<')
        {
            return false;
        }

        var i = 1;
        while (i < text.Length && i <= 4 && char.IsAsciiDigit(text[i]))
        {
            pri = (pri * 10) + (text[i] - '0');
            i++;
        }

        if (i == 1 || i > 4 || i >= text.Length || text[i] != '>' || pri > 191)
        {
            return false;
        }

        pos = i + 1;
        return true;
    }

    private LogEvent? Parse5424(string text, int pos, DateTimeOffset receivedAt, string fallbackHost, int facility, int severity)
    {
        var timestamp = NextRange(text, ref pos);
        var host = NextRange(text, ref pos);
        var app = NextRange(text, ref pos);
        var procId = NextRange(text, ref pos);
        var msgId = NextRange(text, ref pos);
        if (msgId is not { } msgIdRange)
        {
            return null;
        }

        DateTimeOffset? reported = null;
        var ts = text.AsSpan()[timestamp!.Value];
        if (ts is not "-")
        {
            if (!Rfc3339.TryParse(ts, out var parsed)
                && !DateTimeOffset.TryParseExact(ts, Rfc3339Formats, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out parsed))
            {
                return null;
            }

            reported = parsed.ToUniversalTime();
        }

        var sd = "";
        if (pos < text.Length)
        {
            if (text[pos] == '-')
            {
                pos++;
            }
            else if (text[pos] == '[')
            {
                var end = StructuredDataEnd(text, pos);
                if (end < 0)
                {
                    return null;
                }

                sd = text[pos..end];
                pos = end;
            }
            else
            {
                return null;
            }
        }

        if (pos < text.Length && text[pos] == ' ')
        {
            pos++;
        }

        var message = pos < text.Length ? text[pos..] : "";
        if (message.Length > 0 && message[0] == '\uFEFF')
        {
            message = message[1..];
        }

        return new LogEvent
        {
            ReceivedAt = receivedAt,
            ReportedAt = reported,
            Facility = facility,
            Severity = severity,
            Host = NilName(text, host!.Value) ?? fallbackHost,
            Program = NilName(text, app!.Value) ?? "",
            ProcId = NilName(text, procId!.Value) ?? "",
            MsgId = NilName(text, msgIdRange) ?? "",
            StructuredData = sd,
            Message = message,
        };
    }

    /// <summary>The index just after the last SD-ELEMENT starting at <paramref name="pos"/>, or -1 when malformed.</summary>
    private static int StructuredDataEnd(string text, int pos)
    {
        while (pos < text.Length && text[pos] == '[')
        {
            var inQuotes = false;
            pos++;
            while (true)
            {
                if (pos >= text.Length)
                {
                    return -1;
                }

                var c = text[pos];
                if (inQuotes && c == '\\' && pos + 1 < text.Length)
                {
                    pos += 2;
                    continue;
                }

                if (c == '"')
                {
                    inQuotes = !inQuotes;
                }
                else if (c == ']' && !inQuotes)
                {
                    pos++;
                    break;
                }

                pos++;
            }
        }

        return pos;
    }

    private LogEvent Parse3164(string text, int pos, DateTimeOffset receivedAt, string fallbackHost, int facility, int severity)
    {
        DateTimeOffset? reported = null;
        var host = fallbackHost;
        if (TryParseBsdTimestamp(text, pos, receivedAt, out var ts))
        {
            reported = ts;
            pos += 15;
            if (pos < text.Length && text[pos] == ' ')
            {
                pos++;
            }

            // After the timestamp comes HOSTNAME, unless the sender left it out and went straight to "tag:".
            var save = pos;
            var token = NextRange(text, ref pos) is { } range ? text.AsSpan()[range] : default;
            if (!token.IsEmpty && token[^1] != ':' && !token.Contains('['))
            {
                host = _names.Get(token);
            }
            else
            {
                pos = save;
            }
        }
        else if (TryParseRfc3339Prefix(text, ref pos, out var iso))
        {
            // rsyslog's "high-precision" legacy format: <PRI>2024-05-01T10:00:00.123+02:00 host tag: msg
            reported = iso;
            var save = pos;
            var token = NextRange(text, ref pos) is { } range ? text.AsSpan()[range] : default;
            if (!token.IsEmpty && token[^1] != ':')
            {
                host = _names.Get(token);
            }
            else
            {
                pos = save;
            }
        }

        var (program, procId, msgStart) = ParseTag(text, pos);
        return new LogEvent
        {
            ReceivedAt = receivedAt,
            ReportedAt = reported,
            Facility = facility,
            Severity = severity,
            Host = host,
            Program = program,
            ProcId = procId,
            Message = text[msgStart..],
        };
    }

    /// <summary>"TAG[pid]: " or "TAG: " (TAG of letters, digits and ._-/); without one the whole rest is the message.</summary>
    private (string Program, string ProcId, int MessageStart) ParseTag(string text, int pos)
    {
        var i = pos;
        while (i < text.Length && i - pos <= 48 && (char.IsAsciiLetterOrDigit(text[i]) || text[i] is '.' or '_' or '-' or '/'))
        {
            i++;
        }

        if (i == pos || i >= text.Length)
        {
            return ("", "", pos);
        }

        var program = _names.Get(text.AsSpan(pos, i - pos));
        var procId = "";
        if (text[i] == '[')
        {
            var close = text.IndexOf(']', i);
            if (close < 0 || close - i > 129)
            {
                return ("", "", pos);
            }

            procId = _names.Get(text.AsSpan((i + 1)..close));
            i = close + 1;
        }

        if (i < text.Length && text[i] == ':')
        {
            i++;
            if (i < text.Length && text[i] == ' ')
            {
                i++;
            }

            return (program, procId, i);
        }

        return procId.Length > 0 ? (program, procId, i < text.Length && text[i] == ' ' ? i + 1 : i) : ("", "", pos);
    }

    /// <summary>"Mmm dd hh:mm:ss" (day space-padded or not); the year is the one that puts it nearest to the receive time.</summary>
    private bool TryParseBsdTimestamp(string text, int pos, DateTimeOffset receivedAt, out DateTimeOffset result)
    {
        result = default;
        if (pos + 15 > text.Length)
        {
            return false;
        }

        var month = Array.IndexOf(Months, text.Substring(pos, 3)) + 1;
        if (month == 0 || text[pos + 3] != ' ')
        {
            return false;
        }

        var dayText = text.Substring(pos + 4, 2).Trim();
        if (!int.TryParse(dayText, NumberStyles.None, CultureInfo.InvariantCulture, out var day) || text[pos + 6] != ' '
            || !TimeOnly.TryParseExact(text.Substring(pos + 7, 8), "HH:mm:ss", CultureInfo.InvariantCulture, DateTimeStyles.None, out var time))
        {
            return false;
        }

        var localNow = TimeZoneInfo.ConvertTime(receivedAt, _zone);
        foreach (var year in (int[])[localNow.Year, localNow.Year - 1, localNow.Year + 1])
        {
            if (day > DateTime.DaysInMonth(year, month))
            {
                continue;
            }

            var local = new DateTime(year, month, day, time.Hour, time.Minute, time.Second, DateTimeKind.Unspecified);
            var candidate = new DateTimeOffset(local, _zone.GetUtcOffset(local));
            var distance = candidate - receivedAt;

            // A sender's clock may run a little ahead; anything more than a month ahead belongs to last year
            // (a December line received in January), anything 11 months behind to next year.
            if (distance <= TimeSpan.FromDays(31) && distance >= TimeSpan.FromDays(-334))
            {
                result = candidate.ToUniversalTime();
                return true;
            }
        }

        return false;
    }

    private static bool TryParseRfc3339Prefix(string text, ref int pos, out DateTimeOffset result)
    {
        result = default;
        var end = text.IndexOf(' ', pos);
        if (end < 0 || end - pos < 19 || end - pos > 35 || !char.IsAsciiDigit(text[pos]))
        {
            return false;
        }

        if (!DateTimeOffset.TryParseExact(text.AsSpan(pos, end - pos), Rfc3339Formats, CultureInfo.InvariantCulture,
                DateTimeStyles.AssumeUniversal, out result))
        {
            return false;
        }

        result = result.ToUniversalTime();
        pos = end + 1;
        return true;
    }

    /// <summary>The next space-delimited token's place in <paramref name="text"/>, null at the end or at a second space.</summary>
    private static Range? NextRange(string text, ref int pos)
    {
        if (pos >= text.Length)
        {
            return null;
        }

        var end = text.IndexOf(' ', pos);
        if (end < 0)
        {
            end = text.Length;
        }

        if (end == pos)
        {
            return null;
        }

        var token = pos..end;
        pos = Math.Min(end + 1, text.Length);
        return token;
    }

    /// <summary>The token as a (shared) string, or null for the nil value "-".</summary>
    private string? NilName(string text, Range range)
    {
        var token = text.AsSpan()[range];
        return token is "-" ? null : _names.Get(token);
    }
}
