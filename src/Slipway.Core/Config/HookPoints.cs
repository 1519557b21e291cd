namespace Slipway.Core.Config;

/// <summary>The points of a deploy at which <c>hooks:</c> run, in the order a deploy passes them.</summary>
public static class HookPoints
{
    public const string BeforeUpdate = "before_update";
    public const string AfterUpdate = "after_update";
    public const string BeforePublish = "before_publish";
    public const string AfterPublish = "after_publish";
    public const string AfterRollback = "after_rollback";
    public const string Failed = "failed";

    /// <summary>
    /// Before a rollback switches <c>current</c>, in the release rolled back to (the newer one is
    /// SLIPWAY_PREVIOUS_RELEASE_PATH). Filled by recipes (the Django recipe's migrations), not part of <see cref="All"/>.
    /// </summary>
    public const string BeforeRollback = "before_rollback";

    public static IReadOnlyList<string> All { get; } =
        [BeforeUpdate, AfterUpdate, BeforePublish, AfterPublish, AfterRollback, Failed];
}
