using Spectre.Console.Cli;

namespace Slipway.Cli.Commands.Monitor;

/// <summary><c>slipway monitor …</c>: the checks of slipway.yml's monitor: section (docs/monitor.md).</summary>
internal static class MonitorCommands
{
    public static void Register(IConfigurator config)
    {
        config.AddBranch("monitor", branch =>
        {
            branch.SetDescription("Checks from slipway.yml's monitor: section: Nagios plugins and built-in http/tcp/disk/load checks.");
            branch.AddCommand<MonitorLsCommand>("ls")
                .WithDescription("List the configured checks, one per check and host, with their interval settings.")
                .WithExample("monitor", "ls")
                .WithExample("monitor", "ls", "production", "--json");
            branch.AddCommand<MonitorRunCommand>("run")
                .WithDescription("Run a check (or --all) once, here and now; print state, output and perfdata. Exit 0 if all OK, 1 if any is not.")
                .WithExample("monitor", "run", "web_port")
                .WithExample("monitor", "run", "web_port", "--host", "web1", "--json")
                .WithExample("monitor", "run", "--all");
            branch.AddCommand<MonitorServeCommand>("serve")
                .WithDescription("Run every check on its schedule until SIGTERM or Ctrl-C: print state changes, apply ack/downtime, keep .slipway/monitor-state.json current.")
                .WithExample("monitor", "serve")
                .WithExample("monitor", "serve", "-s", "production");
            branch.AddCommand<MonitorAgentCommand>("agent")
                .WithDescription("On a host: run its run_on: agent checks on their schedule and send the results to monitor serve (monitor.agent.url), spooled on disk while it is unreachable.")
                .WithExample("monitor", "agent", "--host", "web1")
                .WithExample("monitor", "agent", "--host", "web1", "-f", "/srv/app/slipway.yml", "--json");
            branch.AddCommand<MonitorAckCommand>("ack")
                .WithDescription("Acknowledge a check's problem (kept in .slipway/monitor-marks.json, shown by monitor ls).")
                .WithExample("monitor", "ack", "web_port@web1", "--comment", "disk replaced tomorrow")
                .WithExample("monitor", "ack", "web_port", "--remove");
            branch.AddCommand<MonitorDowntimeCommand>("downtime")
                .WithDescription("Put a check, or every check of a host, in downtime for a while (shown by monitor ls).")
                .WithExample("monitor", "downtime", "web_port", "--for", "30m")
                .WithExample("monitor", "downtime", "--host", "web1", "--for", "2h")
                .WithExample("monitor", "downtime", "--host", "web1", "--remove");
        });
    }
}
