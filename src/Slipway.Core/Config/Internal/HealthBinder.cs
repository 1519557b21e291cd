namespace Slipway.Core.Config.Internal;

/// <summary>Binds <c>health:</c>: named checks, each exactly one of http, tcp or command.</summary>
internal static class HealthBinder
{
    private static readonly string[] Kinds = ["http", "tcp", "command"];

    public static List<HealthCheckConfig> Bind(Section root) =>
        NamedEntries.Bind(root, ConfigKeys.Health, "check", "web", BindCheck);

    private static HealthCheckConfig? BindCheck(BindContext context, string name, ConfigNode node, string path)
    {
        var s = context.Section(node, path, ConfigKeys.HealthKeys, "a mapping such as { http: \"http://127.0.0.1:8000/\", expect: 200 }");
        if (s is null)
        {
            return null;
        }

        var given = Kinds.Where(s.Has).ToList();
        if (given.Count != 1)
        {
            context.Error(s.Location, path, given.Count == 0
                ? "needs one of http, tcp or command"
                : $"has {string.Join(" and ", given)}; a check is exactly one of http, tcp or command");
            return null;
        }

        var http = s.String("http");
        if (http is not null && !http.StartsWith("http://", StringComparison.Ordinal) && !http.StartsWith("https://", StringComparison.Ordinal))
        {
            context.Error(s.Get("http")!, s.PathOf("http"), $"must be an http:// or https:// URL, got \"{http}\"");
        }

        var tcp = s.String("tcp");
        if (tcp is not null && (tcp.LastIndexOf(':') is var colon && (colon <= 0 || !int.TryParse(tcp[(colon + 1)..], out _))) &&
            !tcp.Contains("${", StringComparison.Ordinal))
        {
            context.Error(s.Get("tcp")!, s.PathOf("tcp"), $"must be host:port, such as 127.0.0.1:8000, got \"{tcp}\"");
        }

        var defaults = new HealthCheckConfig { Name = name };
        var check = new HealthCheckConfig
        {
            Name = name,
            Http = http,
            Expect = s.Int("expect", 100, 599) ?? defaults.Expect,
            Contains = s.String("contains"),
            Tcp = tcp,
            Command = s.String("command"),
            Timeout = s.Duration("timeout") ?? defaults.Timeout,
            Retries = s.Int("retries", 1, 1000) ?? defaults.Retries,
            Interval = s.Duration("interval") ?? defaults.Interval,
            StartPeriod = s.Duration("start_period") ?? defaults.StartPeriod,
            Roles = s.Roles(recordUse: true),
            Location = s.Location,
        };
        return context.HasErrorsUnder(path) ? null : check;
    }
}
