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

    public static IReadOnlyList<string> All { get; } =
        [BeforeUpdate, AfterUpdate, BeforePublish, AfterPublish, AfterRollback, Failed];
}
