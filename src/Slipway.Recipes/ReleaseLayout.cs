namespace Slipway.Recipes;

/// <summary>
/// Where the recipes keep things inside a release directory (docs/recipes.md): the virtualenv and the record of what
/// the Django recipe did. The host-wide layout is <see cref="Core.Layout.HostLayout"/>. Pure.
/// </summary>
public static class ReleaseLayout
{
    /// <summary>A release's virtualenv, relative to the release directory.</summary>
    public const string Venv = "venv";

    /// <summary>
    /// Where the deploy links the release's build artifacts (<c>vendor/PACKAGE</c> → <c>shared/vendor/KEY</c>,
    /// docs/build.md "Deploy integration"), relative to the release directory.
    /// </summary>
    public const string Vendor = "vendor";

    /// <summary>The file in the virtualenv's site-packages that puts the vendored packages on <c>sys.path</c>.</summary>
    public const string VendorPth = "slipway-vendor.pth";

    /// <summary>Where a release records what the Django recipe did (relative to the release directory).</summary>
    public const string StateDir = ".slipway";

    /// <summary>The migrations a release's deploy left applied (<c>showmigrations --plan</c> after <c>migrate</c>).</summary>
    public const string MigrationsRecord = StateDir + "/migrations";
}
