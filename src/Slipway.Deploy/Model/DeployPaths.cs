namespace Slipway.Deploy.Model;

/// <summary>The Capistrano layout under one host's <c>deploy_to</c>, plus Slipway's lock and history files.</summary>
public sealed record DeployPaths(string DeployTo)
{
    public string Releases => DeployTo + "/releases";

    public string Shared => DeployTo + "/shared";

    public string Current => DeployTo + "/current";

    public string Repo => DeployTo + "/repo";

    public string RevisionsLog => DeployTo + "/revisions.log";

    public string History => DeployTo + "/slipway-history.jsonl";

    /// <summary>The lock is a directory: <c>mkdir</c> either creates it or fails, atomically.</summary>
    public string LockDir => DeployTo + "/.slipway-lock";

    public string LockInfo => LockDir + "/info";

    public string Release(string name) => Releases + "/" + name;

    /// <summary>Where the upload strategy puts the archive before unpacking it.</summary>
    public string Archive(string release) => DeployTo + "/.slipway-upload-" + release + ".tar";

    /// <summary>Marker file inside a release holding its state (unfinished, ok, bad).</summary>
    public static string StateFileName => ".slipway-state";
}
