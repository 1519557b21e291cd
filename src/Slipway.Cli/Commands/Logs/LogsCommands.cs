using Spectre.Console.Cli;

namespace Slipway.Cli.Commands.Logs;

/// <summary><c>slipway logs …</c>: the central log server, queries and the digest.</summary>
internal static class LogsCommands
{
    public static void Register(IConfigurator config)
    {
        config.AddBranch("logs", branch =>
        {
            branch.SetDescription("Central logs: syslog/HTTP intake into SQLite, MariaDB or PostgreSQL, a browser, traceback groups, a digest.");
            branch.AddCommand<LogsServeCommand>("serve")
                .WithDescription("Receive syslog (UDP, TCP) and POST /api/logs, store them, serve the browser; SIGTERM drains and exits.")
                .WithExample("logs", "serve", "--db", "/var/lib/slipway/logs.db", "--syslog-udp", "0.0.0.0:514", "--syslog-tcp", "0.0.0.0:514", "--http", "127.0.0.1:8514")
                .WithExample("logs", "serve", "-f", "slipway.yml");
            branch.AddCommand<LogsQueryCommand>("query")
                .WithDescription("Print stored events, newest first, filtered like the browser.")
                .WithExample("logs", "query", "--db", "logs.db", "--since", "1h", "--severity", "err")
                .WithExample("logs", "query", "--db", "postgres://logs:pw@db1/logs", "--host", "web1", "--text", "timeout", "--json");
            branch.AddCommand<LogsDigestCommand>("digest")
                .WithDescription("Mail (or print with --dry-run) the top traceback groups and error counts of a period.")
                .WithExample("logs", "digest", "--db", "logs.db", "--dry-run")
                .WithExample("logs", "digest", "--db", "logs.db", "--since", "24h", "--smtp", "127.0.0.1:25", "--from", "logs@example.com", "--to", "ops@example.com");
            branch.AddCommand<LogsPasswdCommand>("passwd")
                .WithDescription("Hash a password for logs.users (read from standard input, or asked for).")
                .WithExample("logs", "passwd", "alice")
                .WithExample("logs", "passwd", "bob", "--admin");
            if (OperatingSystem.IsLinux())
            {
                Commands.Hosts.HostCommands.RegisterLogs(branch);
            }
        });
    }
}
