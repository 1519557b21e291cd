using Slipway.Core.Config;
using Slipway.Remote;

namespace Slipway.Recipes;

/// <summary>What a command asks for: a stage, the host filters, the recipes (null: not applied) and how to connect.</summary>
public sealed record StageQuery(string Stage)
{
    public IReadOnlyList<string> Roles { get; init; } = [];

    public IReadOnlyList<string> Hosts { get; init; } = [];

    /// <summary>Recipes expanded into hooks (release commands); null leaves the config as loaded (exec, setup, host commands).</summary>
    public RecipeOptions? Recipes { get; init; }

    public ConnectionMode Mode { get; init; } = ConnectionMode.Multiplexed;
}

/// <summary>A stage, the host filters or the recipes could not be resolved. The message is for the user.</summary>
public sealed class StageTargetException(string message) : Exception(message)
{
    public StageTargetException()
        : this("no stage target")
    {
    }

    public StageTargetException(string message, Exception inner)
        : this(message + ": " + inner.Message)
    {
    }
}

/// <summary>
/// The hosts one command works on, built once per command from a loaded config: recipes → stage → host selection →
/// sessions. The session pool is made on first use, so a command that contacts no host (<c>--dry-run</c>) starts none;
/// disposing the target closes every connection.
/// </summary>
public sealed class StageTarget : IAsyncDisposable
{
    private readonly Lazy<SessionPool> _sessions;
    private readonly bool _ownsSessions;

    private StageTarget(SlipwayConfig config, StageConfig stage, IReadOnlyList<HostConfig> hosts, Lazy<SessionPool> sessions, bool ownsSessions)
    {
        Config = config;
        Stage = stage;
        Hosts = hosts;
        _sessions = sessions;
        _ownsSessions = ownsSessions;
    }

    public SlipwayConfig Config { get; }

    public StageConfig Stage { get; }

    /// <summary>The stage's hosts the filters picked, in the stage's order.</summary>
    public IReadOnlyList<HostConfig> Hosts { get; }

    /// <summary>One session per host for the whole command, connecting on first use.</summary>
    public SessionPool Sessions => _sessions.Value;

    /// <summary>
    /// The target for <paramref name="query"/>; throws <see cref="RecipeException"/> when the recipes do not expand, and
    /// <see cref="StageTargetException"/> for an unknown stage or a filter that matches nothing.
    /// </summary>
    public static StageTarget Open(SlipwayConfig loaded, StageQuery query)
    {
        ArgumentNullException.ThrowIfNull(loaded);
        ArgumentNullException.ThrowIfNull(query);
        var config = query.Recipes is { } recipes ? RecipeExpander.Apply(loaded, recipes) : loaded;
        var stage = FindStage(config, query.Stage);
        var selection = HostFilter.Select(stage, query.Roles.ToList(), query.Hosts.ToList());
        if (selection.Error is not null)
        {
            throw new StageTargetException(selection.Error);
        }

        var mode = query.Mode;
        return new StageTarget(config, stage, selection.Hosts, new Lazy<SessionPool>(() => new SessionPool(config.Ssh, mode: mode)), ownsSessions: true);
    }

    /// <summary>Another stage of the same config with all its hosts, sharing this target's sessions (promote reads FROM, deploys TO).</summary>
    public StageTarget Other(string stageName)
    {
        var stage = FindStage(Config, stageName);
        return new StageTarget(Config, stage, stage.Hosts, _sessions, ownsSessions: false);
    }

    public async ValueTask DisposeAsync()
    {
        if (_ownsSessions && _sessions.IsValueCreated)
        {
            await _sessions.Value.DisposeAsync();
        }
    }

    private static StageConfig FindStage(SlipwayConfig config, string name) =>
        config.FindStage(name) ?? throw new StageTargetException(
            $"no stage '{name}' in {config.SourceFile}; stages defined: {string.Join(", ", config.Stages.Select(s => s.Name))}.");
}
