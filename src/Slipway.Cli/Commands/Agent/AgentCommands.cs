using Spectre.Console.Cli;

namespace Slipway.Cli.Commands.Agent;

/// <summary>
/// <c>slipway agent …</c>: the host-side commands the deploy's hooks and <c>slipway ps/restart/logs tail</c> run on the
/// hosts. Hidden from the root help: people run them through those commands.
/// </summary>
[System.Runtime.Versioning.SupportedOSPlatform("linux")]
internal static class AgentCommands
{
    public static void Register(IConfigurator config)
    {
        config.AddBranch("agent", agent =>
        {
            agent.HideBranch();
            agent.SetDescription("Host-side helpers run on the hosts by deploy hooks and by ps/restart/logs tail.");
            agent.AddBranch("supervisor", sv =>
            {
                sv.SetDescription("Drive the host's supervisor (slipway supervise or supervisord) over its XML-RPC socket.");
                sv.AddCommand<AgentUpdateCommand>("update")
                    .WithDescription("Apply the changed config like supervisorctl update, restart groups, wait until every affected process is RUNNING.")
                    .WithExample("agent", "supervisor", "update", "--socket", "/srv/app/slipway/supervisor.sock", "--restart", "web", "--timeout", "60s");
                sv.AddCommand<AgentStatusCommand>("status")
                    .WithDescription("Every process: group, name, state, pid, uptime.")
                    .WithExample("agent", "supervisor", "status", "--socket", "/srv/app/slipway/supervisor.sock", "--json");
                sv.AddCommand<AgentRestartCommand>("restart")
                    .WithDescription("Restart processes or groups (all when none is named) and wait until they are RUNNING.")
                    .WithExample("agent", "supervisor", "restart", "--socket", "/srv/app/slipway/supervisor.sock", "web:*");
                sv.AddCommand<AgentTailCommand>("tail")
                    .WithDescription("Print the end of a process's stdout (or --stderr) log; -f keeps following it.")
                    .WithExample("agent", "supervisor", "tail", "--socket", "/srv/app/slipway/supervisor.sock", "web", "-f");
            });
            agent.AddBranch("health", health =>
            {
                health.SetDescription("Health checks: exit 0 when healthy, 1 when the check failed after its retries.");
                health.AddCommand<AgentHealthHttpCommand>("http")
                    .WithDescription("GET a URL until it answers the expected status (and text).")
                    .WithExample("agent", "health", "http", "http://127.0.0.1:8000/health/", "--contains", "ok");
                health.AddCommand<AgentHealthTcpCommand>("tcp")
                    .WithDescription("Connect to HOST:PORT until it accepts.")
                    .WithExample("agent", "health", "tcp", "127.0.0.1:5432");
            });
        });
    }
}
