namespace Slipway.Logs.Model;

/// <summary>Syslog facility and severity numbers and their names (RFC 5424 §6.2.1).</summary>
public static class SyslogNames
{
    public const int UserFacility = 1;
    public const int NoticeSeverity = 5;

    private static readonly string[] Severities = ["emerg", "alert", "crit", "err", "warning", "notice", "info", "debug"];

    private static readonly string[] Facilities =
    [
        "kern", "user", "mail", "daemon", "auth", "syslog", "lpr", "news", "uucp", "cron", "authpriv", "ftp", "ntp",
        "audit", "alert", "clock", "local0", "local1", "local2", "local3", "local4", "local5", "local6", "local7",
    ];

    public static string SeverityName(int severity) =>
        severity >= 0 && severity < Severities.Length ? Severities[severity] : severity.ToString(System.Globalization.CultureInfo.InvariantCulture);

    public static string FacilityName(int facility) =>
        facility >= 0 && facility < Facilities.Length ? Facilities[facility] : facility.ToString(System.Globalization.CultureInfo.InvariantCulture);

    /// <summary>Accepts a name ("err", "error", "warn") or a number 0–7.</summary>
    public static bool TryParseSeverity(string text, out int severity)
    {
        var t = text.Trim().ToLowerInvariant();
        t = t switch { "error" => "err", "warn" => "warning", "critical" => "crit", "emergency" => "emerg", "panic" => "emerg", _ => t };
        severity = Array.IndexOf(Severities, t);
        if (severity >= 0)
        {
            return true;
        }

        return int.TryParse(t, System.Globalization.CultureInfo.InvariantCulture, out severity) && severity is >= 0 and <= 7;
    }

    /// <summary>Accepts a name ("local0", "daemon") or a number 0–23.</summary>
    public static bool TryParseFacility(string text, out int facility)
    {
        var t = text.Trim().ToLowerInvariant();
        facility = Array.IndexOf(Facilities, t);
        if (facility >= 0)
        {
            return true;
        }

        return int.TryParse(t, System.Globalization.CultureInfo.InvariantCulture, out facility) && facility is >= 0 and <= 23;
    }
}
