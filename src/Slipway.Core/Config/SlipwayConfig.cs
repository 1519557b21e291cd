namespace Slipway.Core.Config;

/// <summary>The whole of one site's <c>slipway.yml</c>, bound, validated and with defaults filled in.</summary>
public sealed record SlipwayConfig
{
    /// <summary>The file this configuration was read from (absolute path), for messages.</summary>
    public required string SourceFile { get; init; }

    public required string Application { get; init; }

    /// <summary>Any URL or path git understands; optional for sites that only use <c>slipway exec</c>.</summary>
    public string? RepoUrl { get; init; }

    /// <summary>Absolute path on every host under which releases/, shared/ and current live.</summary>
    public required string DeployTo { get; init; }

    public int KeepReleases { get; init; } = 5;

    /// <summary>Default branch for stages that do not name their own.</summary>
    public string Branch { get; init; } = "main";

    /// <summary>How releases reach hosts: <c>git</c> (hosts keep a mirror) or <c>upload</c> (one archive, pushed).</summary>
    public string SourceStrategy { get; init; } = "git";

    /// <summary>Directories under shared/ linked into every release (relative, never escaping deploy_to).</summary>
    public IReadOnlyList<string> LinkedDirs { get; init; } = [];

    public IReadOnlyList<string> LinkedFiles { get; init; } = [];

    /// <summary>First contents of linked files, written by <c>slipway setup</c> only where the file is missing.</summary>
    public IReadOnlyList<SharedFileTemplate> Templates { get; init; } = [];

    public SshSettings Ssh { get; init; } = new();

    /// <summary>Stages by name, in file order.</summary>
    public required IReadOnlyList<StageConfig> Stages { get; init; }

    public IReadOnlyList<RequirementConfig> Requirements { get; init; } = [];

    /// <summary>Hooks by hook point (see <see cref="HookPoints"/>), in file order.</summary>
    public IReadOnlyDictionary<string, IReadOnlyList<HookConfig>> Hooks { get; init; } =
        new Dictionary<string, IReadOnlyList<HookConfig>>();

    /// <summary>Programs the supervisor runs, by name, in file order.</summary>
    public IReadOnlyList<ProcessConfig> Processes { get; init; } = [];

    /// <summary>Queue workers the supervisor runs on the hosts (<c>workers:</c>), in file order; the supervisor recipe
    /// renders each as a program beside <see cref="Processes"/>.</summary>
    public IReadOnlyList<WorkerConfig> Workers { get; init; } = [];

    /// <summary>Built-in application recipes (<c>recipes: django:</c>).</summary>
    public RecipesConfig Recipes { get; init; } = new();

    /// <summary>Which supervisor runs <see cref="Processes"/> on the hosts.</summary>
    public SupervisorConfig Supervisor { get; init; } = new();

    /// <summary>Checks run after each publish's restart; a failure rolls the deploy back.</summary>
    public IReadOnlyList<HealthCheckConfig> Health { get; init; } = [];

    /// <summary>Promotion rules between stages, in file order.</summary>
    public IReadOnlyList<PromoteConfig> Promotions { get; init; } = [];

    /// <summary>The central logs (<c>logs:</c>); null when the file has no such section.</summary>
    public LogsConfig? Logs { get; init; }

    /// <summary>The job queue (<c>queue:</c>); null when the file has no such section (<see cref="QueueConfig.DefaultFor"/> then).</summary>
    public QueueConfig? Queue { get; init; }

    /// <summary>Checks and their schedule (<c>monitor:</c>); null when the file has no such section.</summary>
    public MonitorConfig? Monitor { get; init; }

    /// <summary>Packages built from source (<c>build:</c>, docs/build.md); null when the file has no such section.</summary>
    public BuildConfig? Build { get; init; }

    /// <summary>How long one host may take over each phase of a deploy or rollback (<c>phase_timeouts:</c>).</summary>
    public PhaseTimeouts PhaseTimeouts { get; init; } = new();

    /// <summary>Sections owned by later features (none today), kept as plain trees until they bind them.</summary>
    public IReadOnlyDictionary<string, object?> Extensions { get; init; } = new Dictionary<string, object?>();

    public StageConfig? FindStage(string name) =>
        Stages.FirstOrDefault(s => string.Equals(s.Name, name, StringComparison.Ordinal));
}
