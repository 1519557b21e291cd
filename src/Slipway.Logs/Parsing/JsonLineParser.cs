using System.Globalization;
using System.Text.Json;
using Slipway.Logs.Model;

namespace Slipway.Logs.Parsing;

/// <summary>
/// One event of <c>POST /api/logs</c>: a JSON object per line. Recognised fields (others are ignored):
/// "message"/"msg"/"@m", "time"/"timestamp"/"@t" (RFC 3339), "host", "program"/"app", "pid"/"procid",
/// "severity"/"level"/"@l" (name or 0–7), "facility" (name or 0–23), "msgid". A line that is not a JSON object
/// is stored raw with <see cref="EventMarks.ParseError"/>.
/// </summary>
public static class JsonLineParser
{
    public static LogEvent Parse(string line, DateTimeOffset receivedAt, string fallbackHost)
    {
        ArgumentNullException.ThrowIfNull(line);
        try
        {
            using var doc = JsonDocument.Parse(line);
            if (doc.RootElement.ValueKind != JsonValueKind.Object)
            {
                return Raw(line, receivedAt, fallbackHost);
            }

            var root = doc.RootElement;
            var message = Str(root, "message", "msg", "@m");
            if (message is null)
            {
                return Raw(line, receivedAt, fallbackHost);
            }

            DateTimeOffset? reported = null;
            if (Str(root, "time", "timestamp", "@t") is { } time
                && DateTimeOffset.TryParse(time, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var parsed))
            {
                reported = parsed.ToUniversalTime();
            }

            var severity = SyslogNames.NoticeSeverity + 1; // info
            if (Str(root, "severity", "level", "@l") is { } level && SyslogNames.TryParseSeverity(level, out var s))
            {
                severity = s;
            }

            var facility = SyslogNames.UserFacility;
            if (Str(root, "facility") is { } fac && SyslogNames.TryParseFacility(fac, out var f))
            {
                facility = f;
            }

            return new LogEvent
            {
                ReceivedAt = receivedAt,
                ReportedAt = reported,
                Facility = facility,
                Severity = severity,
                Host = Str(root, "host", "hostname") ?? fallbackHost,
                Program = Str(root, "program", "app", "app_name") ?? "",
                ProcId = Str(root, "pid", "procid") ?? "",
                MsgId = Str(root, "msgid") ?? "",
                Message = message,
            };
        }
        catch (JsonException)
        {
            return Raw(line, receivedAt, fallbackHost);
        }
    }

    private static LogEvent Raw(string line, DateTimeOffset receivedAt, string host) =>
        new() { ReceivedAt = receivedAt, Host = host, Message = line, Flags = EventMarks.ParseError };

    private static string? Str(JsonElement root, params string[] names)
    {
        foreach (var name in names)
        {
            if (root.TryGetProperty(name, out var value))
            {
                return value.ValueKind switch
                {
                    JsonValueKind.String => value.GetString(),
                    JsonValueKind.Number => value.GetRawText(),
                    JsonValueKind.Null or JsonValueKind.Undefined => null,
                    _ => value.GetRawText(),
                };
            }
        }

        return null;
    }
}
