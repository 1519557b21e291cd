namespace Slipway.Core.Config.Internal;

/// <summary>
/// Binds <c>logs:</c>. Structure and types are checked here with line, column and key path; the two values only the
/// logs feature can judge (a password hash's format, a cron expression) keep their locations for it to report.
/// </summary>
internal static class LogsBinder
{
    public static LogsConfig? Bind(Section root, string sourceFile)
    {
        if (root.Get(ConfigKeys.Logs) is not { } node)
        {
            return null;
        }

        var s = root.Context.Section(node, ConfigKeys.Logs, ConfigKeys.LogsKeys, "a mapping such as { db: /var/lib/slipway/logs.db, http: 127.0.0.1:8514 }");
        if (s is null)
        {
            return null;
        }

        var dir = Path.GetDirectoryName(Path.GetFullPath(sourceFile)) ?? ".";
        return new LogsConfig
        {
            Db = s.String("db"),
            SyslogUdp = s.String("syslog_udp"),
            SyslogTcp = s.String("syslog_tcp"),
            Http = s.String("http"),
            Token = s.String("token"),
            RetentionDays = s.Int("retention_days", 0, 36500) ?? 0,
            Spool = s.String("spool"),
            BaseUrl = s.String("base_url"),
            DeployHistory = s.String("deploy_history") is { } history ? Path.GetFullPath(history, dir) : null,
            WatchAfterDeploy = s.Duration("watch_after_deploy"),
            Users = BindUsers(s),
            Digest = BindDigest(s),
            Location = s.Location,
        };
    }

    private static List<LogUserConfig> BindUsers(Section logs)
    {
        var result = new List<LogUserConfig>();
        if (logs.Get("users") is not { } node)
        {
            return result;
        }

        var context = logs.Context;
        var path = logs.PathOf("users");
        if (node is not ConfigMapping mapping)
        {
            context.Error(node, path, $"must be a mapping of user names to {{ password_hash, role }}, got {node.Describe()}");
            return result;
        }

        foreach (var entry in context.UniqueEntries(mapping, path))
        {
            var name = entry.Key.Value;
            var userPath = Paths.Child(path, name);
            if (!IsUserName(name))
            {
                context.Error(entry.Key, userPath, $"user names are letters, digits, '-' and '_' (at most 64), got \"{name}\"");
                continue;
            }

            if (entry.Value is ConfigScalar { IsNull: false } plain)
            {
                // A bare hash is a viewer.
                if (ValueReader.NonEmptyString(context, plain, userPath) is { } bare)
                {
                    result.Add(new LogUserConfig(name, bare, false, plain.Location, userPath));
                }

                continue;
            }

            var user = context.Section(entry.Value, userPath, ConfigKeys.LogUserKeys, "{ password_hash: \"…\", role: viewer } (make one with: slipway logs passwd " + name + ")");
            if (user is null)
            {
                continue;
            }

            var hash = user.RequiredString("password_hash", "make one with: slipway logs passwd " + name);
            var role = user.Enum("role", ConfigKeys.LogRoles) ?? "viewer";
            if (hash is not null)
            {
                result.Add(new LogUserConfig(name, hash, role == "admin", user.Get("password_hash")!.Location, user.PathOf("password_hash")));
            }
        }

        return result;
    }

    private static LogsDigestConfig BindDigest(Section logs)
    {
        if (logs.Get("digest") is not { } node)
        {
            return new LogsDigestConfig();
        }

        var s = logs.Context.Section(node, logs.PathOf("digest"), ConfigKeys.LogsDigestKeys, "a mapping such as { smtp: 127.0.0.1:25, to: ops@example.com }");
        if (s is null)
        {
            return new LogsDigestConfig();
        }

        // to: one address or a list of them.
        var to = s.Get("to") is ConfigScalar ? (s.String("to") is { } one ? [one] : []) : s.StringList("to").Select(t => t.Value).ToList();
        return new LogsDigestConfig
        {
            Smtp = s.String("smtp"),
            SmtpUser = s.String("smtp_user"),
            SmtpPassword = s.String("smtp_password"),
            StartTls = s.Bool("starttls") ?? false,
            From = s.String("from"),
            To = to,
            Since = s.Duration("since"),
            Top = s.Int("top", 1, 1000),
            Schedule = s.String("schedule"),
            ScheduleLocation = s.Get("schedule")?.Location ?? s.Location,
        };
    }

    public static bool IsUserName(string name) =>
        name.Length is > 0 and <= 64 && name.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_');
}
