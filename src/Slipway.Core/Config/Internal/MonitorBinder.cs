using System.Globalization;
using Slipway.Core.Net;

namespace Slipway.Core.Config.Internal;

/// <summary>
/// Binds <c>monitor:</c>: the schedule defaults, then each check, which is exactly one of <c>command</c> (a Nagios
/// plugin) or <c>type</c> (a built-in) and may only use the keys of its kind. Values the monitor feature judges
/// (ranges, command-line syntax, ports that hold host variables) are kept as text with their locations.
/// </summary>
internal static class MonitorBinder
{
    public static MonitorConfig? Bind(Section root, string sourceFile)
    {
        if (root.Get(ConfigKeys.Monitor) is not { } node)
        {
            return null;
        }

        var s = root.Context.Section(node, ConfigKeys.Monitor, ConfigKeys.MonitorKeys,
            "a mapping such as { check_interval: 1m, checks: { web: { command: \"/usr/lib/nagios/plugins/check_tcp -H 127.0.0.1 -p 80\" } } }");
        if (s is null)
        {
            return null;
        }

        var defaults = new MonitorConfig();
        var section = new MonitorConfig
        {
            CheckInterval = Positive(s, "check_interval") ?? defaults.CheckInterval,
            RetryInterval = Positive(s, "retry_interval") ?? defaults.RetryInterval,
            MaxCheckAttempts = s.Int("max_check_attempts", 1, 100) ?? defaults.MaxCheckAttempts,
            RecoverAfter = s.Int("recover_after", 1, 100) ?? defaults.RecoverAfter,
            Timeout = Positive(s, "timeout") ?? defaults.Timeout,
            MaxConcurrency = s.Int("max_concurrency", 1, 1000) ?? defaults.MaxConcurrency,
            DeployWindow = s.Duration("deploy_window") ?? defaults.DeployWindow,
            Flapping = BindFlapping(s, defaults.Flapping),
            Db = Db(s, sourceFile),
            Alerts = BindAlerts(s),
            Agent = BindAgent(s),
            Location = s.Location,
        };
        return section with { Checks = BindChecks(s, section) };
    }

    /// <summary><c>monitor.agent</c>: url (http or https) is required; listen is an IP HOST:PORT.</summary>
    private static MonitorAgentConfig? BindAgent(Section monitor)
    {
        if (monitor.Get("agent") is not { } node)
        {
            return null;
        }

        var path = monitor.PathOf("agent");
        var s = monitor.Context.Section(node, path, ConfigKeys.MonitorAgentKeys,
            "a mapping such as { url: http://monitor.internal:8471/, token: ${SLIPWAY_MONITOR_TOKEN} }");
        if (s is null)
        {
            return null;
        }

        var url = s.RequiredString("url", "the central monitor as the hosts reach it, such as http://monitor.internal:8471/");
        if (url is not null && !(Uri.TryCreate(url, UriKind.Absolute, out var uri) && uri.Scheme is "http" or "https"))
        {
            s.Context.Error(s.Get("url")!, s.PathOf("url"), $"must be an http:// or https:// URL, got \"{url}\"");
        }

        var listen = s.String("listen");
        if (listen is not null && Net.ListenAddress.Parse(listen, out var error) is null)
        {
            s.Context.Error(s.Get("listen")!, s.PathOf("listen"), error!);
        }

        var defaults = new MonitorAgentConfig { Url = "" };
        return url is null || s.Context.HasErrorsUnder(path) ? null : new MonitorAgentConfig
        {
            Url = url,
            Token = s.String("token") is { Length: > 0 } token ? token : null,
            Listen = listen,
            Freshness = Positive(s, "freshness"),
            SpoolLimit = s.Int("spool_limit", 1, 10_000_000) ?? defaults.SpoolLimit,
            Location = s.Location,
        };
    }

    /// <summary>
    /// <c>flapping:</c> of the section or of one check; each key not given keeps <paramref name="inherited"/>'s value.
    /// The pair must keep 0 &lt;= low &lt; high &lt;= 100 (reported at the key that breaks it).
    /// </summary>
    private static MonitorFlappingConfig BindFlapping(Section owner, MonitorFlappingConfig inherited)
    {
        if (owner.Get("flapping") is not { } node)
        {
            return inherited;
        }

        var s = owner.Context.Section(node, owner.PathOf("flapping"), ConfigKeys.MonitorFlappingKeys,
            "a mapping such as { low_threshold: 5, high_threshold: 20 } (percent state change) or { enabled: false }");
        if (s is null)
        {
            return inherited;
        }

        var low = Percent(s, "low_threshold");
        var high = Percent(s, "high_threshold");
        var result = new MonitorFlappingConfig
        {
            Enabled = s.Bool("enabled") ?? inherited.Enabled,
            LowThreshold = low ?? inherited.LowThreshold,
            HighThreshold = high ?? inherited.HighThreshold,
        };
        if ((low is not null || high is not null) && result.LowThreshold >= result.HighThreshold)
        {
            var key = high is not null ? "high_threshold" : "low_threshold";
            s.Context.Error(s.Get(key)!, s.PathOf(key), string.Create(CultureInfo.InvariantCulture,
                $"low_threshold ({result.LowThreshold:0.##}) must be below high_threshold ({result.HighThreshold:0.##}): flapping starts at the high one and stops at the low one"));
            return inherited;
        }

        return result;
    }

    /// <summary>A percent state change from 0 to 100.</summary>
    private static double? Percent(Section s, string key)
    {
        if (s.Get(key) is not { } node || ValueReader.String(s.Context, node, s.PathOf(key)) is not { } text)
        {
            return null;
        }

        if (!double.TryParse(text.Trim().TrimEnd('%'), NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var value) || value > 100)
        {
            s.Context.Error(node, s.PathOf(key), $"must be a percent from 0 to 100 such as 20, got \"{text}\"");
            return null;
        }

        return value;
    }

    /// <summary>
    /// <c>monitor.db</c>: a SQLite path (made absolute against slipway.yml's directory, as every process that reads the
    /// history must find the same file), <c>sqlite:///path</c>, or a MariaDB/PostgreSQL URL that names its database.
    /// </summary>
    private static string? Db(Section s, string sourceFile)
    {
        if (s.Get("db") is not { } node || ValueReader.NonEmptyString(s.Context, node, s.PathOf("db")) is not { } db)
        {
            return null;
        }

        var path = s.PathOf("db");
        switch (DatabaseUrl.SchemeOf(db))
        {
            case null:
                return Path.GetFullPath(db, Path.GetDirectoryName(Path.GetFullPath(sourceFile)) ?? ".");
            case "sqlite":
                if (!db.StartsWith("sqlite:///", StringComparison.OrdinalIgnoreCase))
                {
                    s.Context.Error(node, path, $"a SQLite URL is sqlite:///absolute/path.db, got \"{db}\"");
                    return null;
                }

                return db;
            case "mysql" or "mariadb" or "postgres" or "postgresql":
                var port = DatabaseUrl.SchemeOf(db) is "mysql" or "mariadb" ? 3306 : 5432;
                if (DatabaseUrl.TryParse(db, port, out var problem) is null)
                {
                    s.Context.Error(node, path, problem!);
                    return null;
                }

                return db;
            case var scheme:
                s.Context.Error(node, path, $"'{scheme}://' is not a history database: use a path, sqlite:///path, mysql://user:pass@host/db or postgres://user:pass@host/db");
                return null;
        }
    }

    private static MonitorAlertsConfig BindAlerts(Section monitor)
    {
        var defaults = new MonitorAlertsConfig();
        if (monitor.Get("alerts") is not { } node)
        {
            return defaults;
        }

        var s = monitor.Context.Section(node, monitor.PathOf("alerts"), ConfigKeys.MonitorAlertsKeys,
            "a mapping such as { mail: { smtp: 127.0.0.1:25, to: ops@example.com }, renotify_interval: 1h }");
        if (s is null)
        {
            return defaults;
        }

        var delay = Positive(s, "retry_delay");
        return new MonitorAlertsConfig
        {
            RenotifyInterval = s.Duration("renotify_interval") ?? defaults.RenotifyInterval,
            Attempts = s.Int("attempts", 1, 100) ?? defaults.Attempts,
            RetryDelay = delay ?? defaults.RetryDelay,
            Mail = s.Get("mail") is { } mail ? BindSmtp(s.Context, mail, s.PathOf("mail")) : null,
            Webhook = BindWebhook(s),
            Command = BindCommand(s),
            Location = s.Location,
        };
    }

    /// <summary>The mail keys of <see cref="SmtpConfig"/>: smtp (HOST:PORT) and to are required.</summary>
    internal static SmtpConfig? BindSmtp(BindContext context, ConfigNode node, string path)
    {
        var s = context.Section(node, path, ConfigKeys.SmtpKeys, "a mapping such as { smtp: 127.0.0.1:25, from: slipway@example.com, to: ops@example.com }");
        if (s is null)
        {
            return null;
        }

        var server = s.RequiredString("smtp", "HOST:PORT, such as 127.0.0.1:25");
        if (server is not null && SmtpConfig.Split(server) is null)
        {
            context.Error(s.Get("smtp")!, s.PathOf("smtp"), $"must be HOST:PORT (or HOST for port 25), got \"{server}\"");
            server = null;
        }

        var to = s.Get("to") is ConfigScalar ? (s.String("to") is { } one ? [one] : []) : s.StringList("to").Select(t => t.Value).ToList();
        if (s.Get("to") is null)
        {
            s.Required("to", "one address or a list of them");
        }

        foreach (var address in to.Where(a => !a.Contains('@', StringComparison.Ordinal)))
        {
            context.Error(s.Get("to")!, s.PathOf("to"), $"\"{address}\" is not a mail address");
        }

        var from = s.String("from");
        if (from is not null && !from.Contains('@', StringComparison.Ordinal))
        {
            context.Error(s.Get("from")!, s.PathOf("from"), $"\"{from}\" is not a mail address");
        }

        return server is null || context.HasErrorsUnder(path) ? null : new SmtpConfig
        {
            Server = server,
            User = s.String("smtp_user"),
            Password = s.String("smtp_password"),
            StartTls = s.Bool("starttls") ?? false,
            From = from ?? SmtpConfig.DefaultFrom,
            To = to,
            Location = s.Location,
        };
    }

    private static WebhookAlertConfig? BindWebhook(Section alerts)
    {
        if (alerts.Get("webhook") is not { } node)
        {
            return null;
        }

        var path = alerts.PathOf("webhook");
        var s = alerts.Context.Section(node, path, ConfigKeys.MonitorWebhookKeys, "a mapping such as { url: https://hooks.example.com/slipway }");
        if (s is null)
        {
            return null;
        }

        var url = s.RequiredString("url", "an http:// or https:// URL");
        if (url is not null && !(Uri.TryCreate(url, UriKind.Absolute, out var uri) && uri.Scheme is "http" or "https"))
        {
            alerts.Context.Error(s.Get("url")!, s.PathOf("url"), $"must be an http:// or https:// URL, got \"{url}\"");
        }

        var timeout = Positive(s, "timeout");
        return url is null || alerts.Context.HasErrorsUnder(path) ? null
            : new WebhookAlertConfig { Url = url, Timeout = timeout ?? TimeSpan.FromSeconds(10), Location = s.Location };
    }

    private static CommandAlertConfig? BindCommand(Section alerts)
    {
        if (alerts.Get("command") is not { } node)
        {
            return null;
        }

        var path = alerts.PathOf("command");
        var s = alerts.Context.Section(node, path, ConfigKeys.MonitorAlertCommandKeys,
            "a mapping such as { command: /usr/local/bin/page-oncall } (told what happened in NOTIFICATIONTYPE, SERVICEDESC, SERVICESTATE, ...)");
        if (s is null)
        {
            return null;
        }

        var command = s.RequiredString("command");
        var timeout = Positive(s, "timeout");
        return command is null || alerts.Context.HasErrorsUnder(path) ? null
            : new CommandAlertConfig { Command = command, Shell = s.Bool("shell") ?? false, Timeout = timeout ?? TimeSpan.FromSeconds(30), Location = s.Location };
    }

    private static List<MonitorCheckConfig> BindChecks(Section monitor, MonitorConfig section)
    {
        var result = new List<MonitorCheckConfig>();
        if (monitor.Get("checks") is not { } node)
        {
            return result;
        }

        var context = monitor.Context;
        var path = monitor.PathOf("checks");
        if (node is not ConfigMapping mapping)
        {
            context.Error(node, path, $"must be a mapping of check names to checks, got {node.Describe()}");
            return result;
        }

        foreach (var (name, value) in context.UniqueEntries(mapping, path))
        {
            var checkPath = Paths.Child(path, name.Value);
            if (!Names.IsName(name.Value))
            {
                context.Error(name, checkPath, "check names are lowercase letters, digits, '-' and '_', such as web_port");
                continue;
            }

            if (BindCheck(context, name.Value, value, checkPath, section) is { } check)
            {
                result.Add(check);
            }
        }

        return result;
    }

    private static MonitorCheckConfig? BindCheck(BindContext context, string name, ConfigNode node, string path, MonitorConfig section)
    {
        var s = context.Section(node, path, ConfigKeys.MonitorCheckKeys,
            "a mapping such as { command: \"/usr/lib/nagios/plugins/check_disk -w 20% -c 10% -p /\" } or { type: tcp, port: 5432 }");
        if (s is null)
        {
            return null;
        }

        var kind = Kind(context, s, path);
        if (kind is null)
        {
            return null;
        }

        if (kind != "command" && s.Has("run_on") && s.String("run_on") == "ssh")
        {
            context.Error(s.Get("run_on")!, s.PathOf("run_on"),
                $"ssh runs plugin commands only; type: {kind} runs where the monitor runs (local) or on each host's agent (agent)");
        }

        if (s.Has("run_on") && s.String("run_on") == "agent" && section.Agent is null)
        {
            context.Error(s.Get("run_on")!, s.PathOf("run_on"),
                "agent needs monitor.agent { url: http://CENTRAL:PORT/, token: ... }: where the host agents send their results");
        }

        var allowed = ConfigKeys.MonitorKindKeys.First(k => k.Kind == kind).Keys;
        foreach (var key in ConfigKeys.MonitorKindKeys.SelectMany(k => k.Keys).Distinct(StringComparer.Ordinal).Where(k => s.Has(k) && !allowed.Contains(k)))
        {
            var owners = ConfigKeys.MonitorKindKeys.Where(k => k.Keys.Contains(key)).Select(k => k.Kind == "command" ? "command" : "type: " + k.Kind);
            context.Error(s.KeyLocation(key), s.PathOf(key), $"applies to {string.Join(" or ", owners)}, not to {(kind == "command" ? "a plugin command" : "type: " + kind)}");
        }

        var defaults = new MonitorCheckConfig { Name = name };
        var check = new MonitorCheckConfig
        {
            Name = name,
            Command = kind == "command" ? s.RequiredString("command") : null,
            Shell = s.Bool("shell") ?? false,
            RunOn = s.Enum("run_on", ConfigKeys.MonitorRunOn) ?? defaults.RunOn,
            Type = kind == "command" ? null : kind,
            Url = kind == "http" ? s.RequiredString("url", "such as http://127.0.0.1:8000/") : null,
            ExpectStatus = ExpectStatus(s),
            BodyContains = s.String("body_contains"),
            VerifyCertificate = s.Bool("verify_certificate") ?? defaults.VerifyCertificate,
            CertificateWarningDays = s.Int("certificate_warning_days", 0, 3650) ?? defaults.CertificateWarningDays,
            CertificateCriticalDays = s.Int("certificate_critical_days", 0, 3650) ?? defaults.CertificateCriticalDays,
            Host = s.String("host"),
            Port = kind == "tcp" ? s.RequiredString("port", "a number from 1 to 65535, or a host variable such as ${http_port}") : null,
            Path = s.String("path"),
            PerCpu = s.Bool("per_cpu") ?? false,
            Program = kind == "supervise" ? s.RequiredString("program", "the program's name in the supervisor, such as web, or group:name") : s.String("program"),
            Socket = s.String("socket"),
            Queue = s.String("queue"),
            Measure = s.Enum("measure", ConfigKeys.MonitorQueueMeasures) ?? defaults.Measure,
            Window = Positive(s, "window") ?? defaults.Window,
            LogHost = s.String("log_host"),
            Warning = s.String("warning"),
            Critical = s.String("critical"),
            Roles = s.Roles(recordUse: true),
            Hosts = [.. s.StringList("hosts").Select(h => h.Value)],
            CheckInterval = Positive(s, "check_interval") ?? section.CheckInterval,
            RetryInterval = Positive(s, "retry_interval") ?? section.RetryInterval,
            MaxCheckAttempts = s.Int("max_check_attempts", 1, 100) ?? section.MaxCheckAttempts,
            RecoverAfter = s.Int("recover_after", 1, 100) ?? section.RecoverAfter,
            Timeout = Positive(s, "timeout") ?? section.Timeout,
            Flapping = BindFlapping(s, section.Flapping),
            Location = s.Location,
            KeyLocations = ConfigKeys.MonitorCheckKeys.Where(s.Has)
                .ToDictionary(k => k, k => s.Get(k)?.Location ?? s.KeyLocation(k), StringComparer.Ordinal),
        };
        return context.HasErrorsUnder(path) ? null : check;
    }

    /// <summary>"command" for a plugin, the built-in's type otherwise; null after reporting a check that is neither or both.</summary>
    private static string? Kind(BindContext context, Section s, string path)
    {
        if (s.Has("command") && s.Has("type"))
        {
            context.Error(s.KeyLocation("type"), s.PathOf("type"), "a check is a plugin command or a built-in type, not both");
            return null;
        }

        if (s.Has("command"))
        {
            return "command";
        }

        if (!s.Has("type"))
        {
            context.Error(s.Location, path, "needs command (a Nagios plugin command line) or type (http, tcp, disk, load, supervise, queue, log_errors or release)");
            return null;
        }

        return s.Enum("type", ConfigKeys.MonitorCheckTypes);
    }

    /// <summary>One status or a list of them.</summary>
    private static List<int> ExpectStatus(Section s)
    {
        var result = new List<int>();
        switch (s.Get("expect_status"))
        {
            case null:
                break;
            case ConfigSequence list:
                for (var i = 0; i < list.Items.Count; i++)
                {
                    if (ValueReader.Int(s.Context, list.Items[i], Paths.Index(s.PathOf("expect_status"), i), 100, 599) is { } code)
                    {
                        result.Add(code);
                    }
                }

                break;
            case var one:
                if (ValueReader.Int(s.Context, one, s.PathOf("expect_status"), 100, 599) is { } status)
                {
                    result.Add(status);
                }

                break;
        }

        return result;
    }

    private static TimeSpan? Positive(Section s, string key)
    {
        var value = s.Duration(key);
        if (value is { } v && v <= TimeSpan.Zero)
        {
            s.Context.Error(s.Get(key)!, s.PathOf(key), "must be greater than 0");
            return null;
        }

        return value;
    }
}
