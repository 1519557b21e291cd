using Slipway.Monitor.Plugins;
using Slipway.Monitor.Scheduling;

namespace Slipway.Monitor.Checks;

/// <summary>
/// Turns configured checks into runnable ones, after <see cref="Validate"/> has found nothing wrong. The built-ins that
/// read other parts of Slipway get them from <paramref name="sources"/>.
/// </summary>
public sealed class CheckFactory(PluginRunner? runner = null, TimeProvider? timeProvider = null, CheckSources? sources = null)
{
    private readonly PluginRunner _runner = runner ?? new PluginRunner(timeProvider);
    private readonly TimeProvider _time = timeProvider ?? TimeProvider.System;
    private readonly CheckSources _sources = sources ?? CheckSources.None;

    /// <summary>Every problem with <paramref name="definition"/>, each a sentence starting with the check's name.</summary>
    public static IReadOnlyList<string> Validate(CheckDefinition definition)
    {
        ArgumentNullException.ThrowIfNull(definition);
        var errors = new List<string>();
        void Add(string error) => errors.Add($"check '{definition.Name}': {error}");
        if (string.IsNullOrWhiteSpace(definition.Name))
        {
            errors.Add("a check needs a name");
        }

        var kinds = new object?[]
        {
            definition.Plugin, definition.Tcp, definition.Http, definition.Disk, definition.Load, definition.Supervise, definition.Queue,
            definition.LogErrors, definition.Release,
        }.Count(kind => kind is not null);
        if (kinds != 1)
        {
            Add($"give exactly one of command, tcp, http, disk, load, supervise, queue, log_errors or release ({kinds} given)");
        }

        definition.Options.Validate().ToList().ForEach(Add);
        Try(() => definition.Plugin is { } plugin ? PluginCommand.Parse(plugin.Command, plugin.Shell) : null, Add);
        Try(() => definition.Tcp is { } tcp ? Thresholds.Parse(tcp.Warning, tcp.Critical) : null, Add);
        Try(() => definition.Http is { } http ? Thresholds.Parse(http.Warning, http.Critical) : null, Add);
        Try(() => definition.Disk is { } disk ? Thresholds.Parse(disk.Warning, disk.Critical) : null, Add);
        Try(() => definition.Load is { } load ? new LoadCheck(load) : null, Add);
        Try(() => definition.Supervise is { } supervise ? Thresholds.Parse(supervise.Warning, supervise.Critical) : null, Add);
        Try(() => definition.Queue is { } queue ? Thresholds.Parse(queue.Warning, queue.Critical) : null, Add);
        Try(() => definition.LogErrors is { } logs ? Thresholds.Parse(logs.Warning, logs.Critical) : null, Add);
        if (definition.Supervise is { } s && (s.Program.Length == 0 || s.Socket.Length == 0))
        {
            Add("a supervise check needs a program and a socket");
        }

        if (definition.LogErrors is { Window: var window } && window < TimeSpan.FromMinutes(1))
        {
            Add("window must be 1m or more (errors are counted per minute)");
        }
        if (definition.Tcp is { Port: < 1 or > 65535 } badPort)
        {
            Add($"tcp port {badPort.Port} is not from 1 to 65535");
        }

        if (definition.Http is { } h && !HttpCheck.IsValidUrl(h.Url))
        {
            Add($"'{h.Url}' is not an http:// or https:// URL");
        }

        return errors;
    }

    /// <exception cref="ArgumentException">The definition is not valid (see <see cref="Validate"/>).</exception>
    public ScheduledCheck Create(CheckDefinition definition)
    {
        var errors = Validate(definition);
        if (errors.Count > 0)
        {
            throw new ArgumentException(string.Join("; ", errors), nameof(definition));
        }

        ICheck check = definition switch
        {
            { Plugin: { OnHost: { } host } plugin } => new RemotePluginCheck(PluginCommand.Parse(plugin.Command, plugin.Shell), host, _sources.Remote, _time),
            { Plugin: { } plugin } => new PluginCheck(PluginCommand.Parse(plugin.Command, plugin.Shell), _runner),
            { Tcp: { } tcp } => new TcpCheck(tcp, _time),
            { Http: { } http } => new HttpCheck(http, _time),
            { Disk: { } disk } => new DiskCheck(disk, _time),
            { Load: { } load } => new LoadCheck(load),
            { Supervise: { } supervise } => new SuperviseCheck(supervise, _sources.Processes, _time),
            { Queue: { } queue } => new QueueCheck(queue, _sources.Queues, _time),
            { LogErrors: { } logs } => new LogErrorsCheck(logs, _sources.LogErrors, _time),
            { Release: { } release } => new ReleaseCheck(release, _sources.Releases, _time),
            _ => throw new ArgumentException("no check kind", nameof(definition)),
        };
        return new ScheduledCheck(definition.Name, check, definition.Options);
    }

    private static void Try(Func<object?> parse, Action<string> add)
    {
        try
        {
            parse();
        }
        catch (FormatException e)
        {
            add(e.Message);
        }
    }
}
