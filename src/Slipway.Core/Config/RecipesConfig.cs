namespace Slipway.Core.Config;

/// <summary><c>recipes:</c>: the built-in application recipes a site turns on.</summary>
public sealed record RecipesConfig
{
    public DjangoRecipeConfig? Django { get; init; }
}

/// <summary>
/// <c>recipes: django:</c>: a virtualenv per release, requirements, <c>check --deploy</c>, <c>migrate</c> once per
/// deploy, <c>collectstatic</c> into a shared dir (what capistrano-offroad's Django recipe did, built in).
/// </summary>
public sealed record DjangoRecipeConfig
{
    /// <summary>The interpreter the virtualenv is made from.</summary>
    public string Python { get; init; } = "/usr/bin/python3";

    public bool SystemSitePackages { get; init; }

    /// <summary>Requirements file relative to the release; null installs nothing.</summary>
    public string? Requirements { get; init; }

    /// <summary>pip's <c>--find-links</c> (a directory or URL of wheels).</summary>
    public string? FindLinks { get; init; }

    /// <summary>pip's <c>--no-index</c>: never reach a package index.</summary>
    public bool NoIndex { get; init; }

    /// <summary>DJANGO_SETTINGS_MODULE; null leaves it to manage.py.</summary>
    public string? Settings { get; init; }

    /// <summary>manage.py relative to the release.</summary>
    public string ManagePy { get; init; } = "manage.py";

    /// <summary>A <c>KEY=value</c> file (relative to shared/ unless absolute) loaded before every manage.py command.</summary>
    public string? EnvFile { get; init; }

    /// <summary>Run <c>migrate --noinput</c> (once per deploy, on one host of <see cref="MigrateRoles"/>).</summary>
    public bool Migrate { get; init; } = true;

    /// <summary>Hosts eligible to run migrations; empty means any host (the stage's primary).</summary>
    public IReadOnlyList<string> MigrateRoles { get; init; } = [];

    public bool CollectStatic { get; init; } = true;

    /// <summary>Directory under shared/ that STATIC_ROOT points at (exported as SLIPWAY_STATIC_ROOT).</summary>
    public string StaticDir { get; init; } = "static";

    public bool CheckDeploy { get; init; } = true;

    public bool CompileMessages { get; init; }

    /// <summary>Hosts that get the Django steps; empty means every host.</summary>
    public IReadOnlyList<string> Roles { get; init; } = [];

    /// <summary>
    /// <c>vendor</c>: names of <c>build.packages</c> whose artifacts (linked into the release as <c>vendor/NAME</c>) the
    /// release's virtualenv imports from, through <c>slipway-vendor.pth</c> in its site-packages (docs/recipes.md).
    /// </summary>
    public IReadOnlyList<string> Vendor { get; init; } = [];

    /// <summary>Where each <c>vendor</c> entry is written, by package name (first occurrence), for the cross-section check.</summary>
    public IReadOnlyDictionary<string, SourceLocation> VendorLocations { get; init; } = new Dictionary<string, SourceLocation>();

    public SourceLocation Location { get; init; }
}
