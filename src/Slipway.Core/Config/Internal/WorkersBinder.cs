namespace Slipway.Core.Config.Internal;

/// <summary>Binds <c>workers:</c>, the queue workers the supervisor runs on every host with their roles.</summary>
internal static class WorkersBinder
{
    public static List<WorkerConfig> Bind(Section root) =>
        NamedEntries.Bind(root, ConfigKeys.Workers, "worker", "mail or thumbnails", BindWorker);

    private static WorkerConfig? BindWorker(BindContext context, string name, ConfigNode node, string path)
    {
        var s = context.Section(node, path, ConfigKeys.WorkerKeys, "a mapping with at least a command");
        if (s is null)
        {
            return null;
        }

        var command = s.RequiredString("command", "what each job runs, such as python3 manage.py send_mail");
        // The queue name is judged by the queue feature (as queue.limits are), which reports it with this location.
        var queue = s.String("queue");
        var worker = new WorkerConfig
        {
            Name = name,
            Queue = queue ?? name,
            QueueLocation = s.Get("queue")?.Location ?? s.Location,
            Command = command ?? "",
            Directory = s.String("directory"),
            NumProcs = s.Int("numprocs", 1, 100) ?? 1,
            Concurrency = s.Int("concurrency", 1, 1000),
            Timeout = s.Duration("timeout"),
            StopGrace = s.Duration("stop_grace"),
            Environment = ProcessesBinder.BindEnvironment(s),
            Roles = s.Roles(recordUse: true),
            Location = s.Location,
        };
        return command is null ? null : worker;
    }

}
