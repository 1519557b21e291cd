using Spectre.Console.Cli;

namespace Slipway.Cli.Commands.Deploy;

/// <summary>Registers the release-management commands (deploy, rollback, releases, history, check, cleanup, unlock, promote, status).</summary>
internal static class DeployCommands
{
    public static void Register(IConfigurator config)
    {
        config.AddCommand<DeployCommand>("deploy")
            .WithDescription("Deploy a stage: check, update, publish all hosts at once, or undo everywhere on failure.")
            .WithExample("deploy", "production")
            .WithExample("deploy", "staging", "--branch", "feature/x", "--message", "try the new search")
            .WithExample("deploy", "production", "--dry-run");
        config.AddCommand<RollbackCommand>("rollback")
            .WithDescription("Switch every host back to the previous good release (or --to RELEASE), atomically.")
            .WithExample("rollback", "production")
            .WithExample("rollback", "production", "--to", "20261127020000");
        config.AddCommand<ReleasesCommand>("releases")
            .WithDescription("List every host's releases with commit, state and which is live; flags hosts out of step.")
            .WithExample("releases", "production")
            .WithExample("releases", "production", "--json");
        config.AddCommand<HistoryCommand>("history")
            .WithDescription("Show past deploys and rollbacks: who, when, commit, result, duration.")
            .WithExample("history", "production");
        config.AddCommand<CheckCommand>("check")
            .WithDescription("Run a deploy's check phase alone: connection, lock, writable dirs, requirements, linked files.")
            .WithExample("check", "production");
        config.AddCommand<CleanupCommand>("cleanup")
            .WithDescription("Remove unfinished and bad releases, and good ones beyond keep_releases (never the live or previous one).")
            .WithExample("cleanup", "production");
        config.AddCommand<UnlockCommand>("unlock")
            .WithDescription("Remove a stage's deploy lock by hand, whoever holds it (says whose it was).")
            .WithExample("unlock", "production");
        config.AddCommand<PromoteCommand>("promote")
            .WithDescription("Deploy to one stage the exact commit live on another, once it has been live there for promote.min_age.")
            .WithExample("promote", "staging", "production")
            .WithExample("promote", "staging", "production", "--dry-run");
        config.AddCommand<StatusCommand>("status")
            .WithDescription("Every stage's live commit, how long it has been live, hosts in step, and how far it is behind.")
            .WithExample("status")
            .WithExample("status", "--json");
    }
}
