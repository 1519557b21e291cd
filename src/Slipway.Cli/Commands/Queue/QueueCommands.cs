using Spectre.Console.Cli;

namespace Slipway.Cli.Commands.Queue;

/// <summary><c>slipway queue …</c> and <c>slipway worker</c>: the job queue's commands, each one call of the library.</summary>
internal static class QueueCommands
{
    public static void Register(IConfigurator config)
    {
        config.AddBranch("queue", branch =>
        {
            branch.SetDescription("Background jobs: push them, see queues and jobs, retry or delete dead ones (store: queue.url or --url).");
            branch.AddCommand<QueuePushCommand>("push")
                .WithDescription("Add a job to a queue; its JSON payload goes to the worker's command on stdin.")
                .WithExample("queue", "push", "emails", "--payload", "'{\"to\": \"a@example.com\"}'")
                .WithExample("queue", "push", "reports", "--payload-file", "-", "--delay", "5m", "--key", "report-2026-12", "--priority", "5");
            branch.AddCommand<QueueListCommand>("ls")
                .WithDescription("List the queues with their ready, scheduled, running, succeeded and dead counts.")
                .WithExample("queue", "ls")
                .WithExample("queue", "ls", "--url", "postgres://jobs:pw@db1/jobs", "--json");
            branch.AddCommand<QueueStatsCommand>("stats")
                .WithDescription("One queue's counts and how long its oldest ready job has waited.")
                .WithExample("queue", "stats", "emails")
                .WithExample("queue", "stats", "emails", "--json");
            branch.AddCommand<QueuePeekCommand>("peek")
                .WithDescription("Show a queue's jobs, oldest first, or one job in full with its last error and output; changes nothing.")
                .WithExample("queue", "peek", "emails")
                .WithExample("queue", "peek", "emails", "--state", "dead", "--json")
                .WithExample("queue", "peek", "emails", "42");
            branch.AddCommand<QueueRetryCommand>("retry")
                .WithDescription("Make dead jobs ready again with all their attempts: every dead job of the queue, or the ids given.")
                .WithExample("queue", "retry", "emails")
                .WithExample("queue", "retry", "emails", "42", "43");
            branch.AddCommand<QueueDeleteCommand>("delete")
                .WithDescription("Delete jobs by id, in any state.")
                .WithExample("queue", "delete", "emails", "42");
            branch.AddCommand<QueuePurgeCommand>("purge")
                .WithDescription("Delete every job of a queue, or only those in one state.")
                .WithExample("queue", "purge", "emails", "--state", "dead")
                .WithExample("queue", "purge", "emails");
            branch.AddCommand<QueueServeCommand>("serve")
                .WithDescription("Serve the queue's HTTP API: push jobs from any language, and long-lived workers lease, heartbeat, ack and fail over HTTP (bearer token; loopback by default).")
                .WithExample("queue", "serve")
                .WithExample("queue", "serve", "--http", "0.0.0.0:8515", "--url", "postgres://jobs:pw@db1/jobs");
        });

        config.AddCommand<WorkerCommand>("worker")
            .WithDescription("Run a queue's jobs: slipway worker QUEUE [[OPTIONS]] -- COMMAND... Each job runs COMMAND with its payload on stdin; exit 0 succeeds, anything else fails and is retried. SIGTERM stops gracefully.")
            .WithExample("worker", "emails", "--", "python3", "manage.py", "send_queued_mail")
            .WithExample("worker", "thumbs", "--concurrency", "4", "--timeout", "2m", "--url", "sqlite:///srv/shop/shared/queue.db", "--", "./bin/make-thumbnail");
    }
}
