using Slipway.Build.Caching;

namespace Slipway.Build.Tests;

/// <summary>Refs resolved from <c>git ls-remote</c>'s list, in git's order, without a mirror.</summary>
public sealed class RemoteRefsTests
{
    private const string Branch = "1111111111111111111111111111111111111111";
    private const string TagObject = "2222222222222222222222222222222222222222";
    private const string Tagged = "3333333333333333333333333333333333333333";
    private const string Light = "4444444444444444444444444444444444444444";

    private static readonly IReadOnlyDictionary<string, string> Refs = RemoteRefs.Parse(
        $"warning: redirecting to elsewhere\n{Branch}\tHEAD\n{Branch}\trefs/heads/main\n{Light}\trefs/heads/v1\n" +
        $"{TagObject}\trefs/tags/v1\n{Tagged}\trefs/tags/v1^{{}}\n{Light}\trefs/tags/light\n{Branch}\trefs/pull/7/head\n");

    [Theory]
    [InlineData("main", Branch)]
    [InlineData("refs/heads/main", Branch)]
    [InlineData("HEAD", Branch)]
    [InlineData("v1", Tagged)] // the tag before the branch of the same name, peeled to its commit
    [InlineData("heads/v1", Light)]
    [InlineData("light", Light)]
    public void A_name_resolves_in_git_s_order_and_an_annotated_tag_to_its_commit(string name, string commit) =>
        RemoteRefs.Resolve(Refs, name).ShouldBe(commit);

    [Theory]
    [InlineData("main~1")]
    [InlineData("111111")]
    [InlineData("nope")]
    [InlineData("refs/pull/7/head")] // not a branch or tag: only git can say what it names
    public void What_the_list_cannot_answer_is_left_to_git(string name) =>
        RemoteRefs.Resolve(Refs, name).ShouldBeNull();
}
