"""The listwise objective, example ids through fit, and example-grouped batches."""

import numpy as np
import pytest
import torch
import torch.nn.functional as F

from sklearn_statement import StatementTuner
from sklearn_statement.training import (
    ExampleBatchSampler,
    check_example_ids,
    listwise_loss,
    soft_listwise_loss,
)
from sklearn_statement.training._data import training_data

# two examples of a 2-label task and one of a 3-label task: one true statement each
X = [
    "the dog is good. It is positive.",
    "the dog is good. It is negative.",
    "the film is awful. It is negative.",
    "the film is awful. It is positive.",
    "messi scored. It is about sports.",
    "messi scored. It is about politics.",
    "messi scored. It is about health.",
] * 3
Y = [1, 0, 1, 0, 1, 0, 0] * 3
IDS = [f"{r}-{e}" for r in range(3) for e in (0, 0, 1, 1, 2, 2, 2)]


def make(path, **kw):
    params = dict(max_epochs=1, batch_size=8, device="cpu", random_state=0, verbose=0)
    params.update(kw)
    return StatementTuner(path, **params)


# ---------------------------------------------------------------- the loss itself
def test_listwise_loss_is_softmax_cross_entropy_per_example():
    z = torch.tensor([2.0, -1.0, 0.5, 0.3, 0.1, 1.0, -2.0])
    y = torch.tensor([1, 0, 0, 1, 1, 0, 0])
    ids = torch.tensor([7, 7, 3, 3, 9, 9, 9])
    expected = torch.stack(
        [
            F.cross_entropy(z[[0, 1]][None], torch.tensor([0])),
            F.cross_entropy(z[[2, 3]][None], torch.tensor([1])),
            F.cross_entropy(z[[4, 5, 6]][None], torch.tensor([0])),
        ]
    ).mean()
    torch.testing.assert_close(listwise_loss(z, y, ids), expected)


def test_two_candidates_equal_the_logistic_loss_of_the_difference():
    # where the binary loss and the listwise one coincide: with two candidates the
    # listwise loss is the binary cross-entropy of "the true one scores higher"
    g = torch.Generator().manual_seed(0)
    z_true, z_false = torch.randn(50, generator=g), torch.randn(50, generator=g)
    z = torch.stack([z_true, z_false], 1).reshape(-1)
    y = torch.tensor([1, 0] * 50)
    ids = torch.arange(50).repeat_interleave(2)
    pairwise = F.binary_cross_entropy_with_logits(
        z_true - z_false, torch.ones(50), reduction="mean"
    )
    torch.testing.assert_close(listwise_loss(z, y, ids), pairwise)


def test_shift_invariance_per_example_and_order_invariance():
    z = torch.tensor([0.2, 1.5, -0.3, 0.9, 0.0])
    y = torch.tensor([0, 1, 1, 0, 0])
    ids = torch.tensor([1, 1, 2, 2, 2])
    base = listwise_loss(z, y, ids)
    shifted = z + torch.tensor([5.0, 5.0, -3.0, -3.0, -3.0])
    torch.testing.assert_close(listwise_loss(shifted, y, ids), base)
    perm = torch.tensor([4, 0, 3, 1, 2])
    torch.testing.assert_close(listwise_loss(z[perm], y[perm], ids[perm]), base)


def test_gradient_flows_to_every_candidate():
    z = torch.tensor([1.0, 0.0, -1.0], requires_grad=True)
    listwise_loss(z, torch.tensor([0, 1, 0]), torch.tensor([0, 0, 0])).backward()
    p = torch.softmax(z.detach(), 0)
    torch.testing.assert_close(z.grad, p - torch.tensor([0.0, 1.0, 0.0]))


@pytest.mark.parametrize(
    "y, ids, message",
    [
        ([1, 1, 0], [0, 0, 0], "2 true of 3"),
        ([0, 0, 1, 0], [0, 0, 1, 1], "0 true of 2"),
        ([1, 1, 0], [0, 1, 1], "1 true of 1"),
    ],
)
def test_listwise_loss_refuses_incomplete_examples(y, ids, message):
    with pytest.raises(ValueError, match=message):
        listwise_loss(torch.zeros(len(y)), torch.tensor(y), torch.tensor(ids))


# ---------------------------------------------------------------- example ids in fit
def test_soft_listwise_loss_with_smoothed_targets_by_hand():
    # one example, 3 candidates, gold = 0, eps = 0.2 spread 0.15 / 0.05
    z = torch.tensor([[1.0, 0.0, -1.0]])
    q = torch.tensor([[0.8, 0.15, 0.05]])
    partition = np.log(np.exp(1.0) + np.exp(0.0) + np.exp(-1.0))
    by_hand = -(
        0.8 * (1.0 - partition) + 0.15 * (0.0 - partition) + 0.05 * (-1.0 - partition)
    )
    assert float(soft_listwise_loss(z, q)) == pytest.approx(by_hand, rel=1e-6)
    # the mean over examples
    z2 = torch.tensor([[1.0, 0.0, -1.0], [0.0, 0.0, 0.0]])
    q2 = torch.tensor([[0.8, 0.15, 0.05], [0.0, 1.0, 0.0]])
    assert float(soft_listwise_loss(z2, q2)) == pytest.approx(
        (by_hand + np.log(3.0)) / 2, rel=1e-6
    )


def test_soft_listwise_loss_with_one_hot_targets_is_the_listwise_loss():
    z = torch.tensor([[2.0, -1.0, 0.4], [0.3, 0.1, -0.7]])
    gold = torch.tensor([2, 0])
    one_hot = F.one_hot(gold, 3).float()
    flat_targets = one_hot.reshape(-1).long()
    ids = torch.tensor([0, 0, 0, 1, 1, 1])
    assert float(soft_listwise_loss(z, one_hot)) == pytest.approx(
        float(listwise_loss(z.reshape(-1), flat_targets, ids)), rel=1e-6
    )


def test_check_example_ids_codes_and_errors():
    codes = check_example_ids(["b", "a", "b", 3, np.int64(3)], 5)
    assert codes.tolist() == [0, 1, 0, 2, 2]
    assert check_example_ids(["3", 3], 2).tolist() == [0, 1]  # str and int differ
    with pytest.raises(ValueError, match="2 ids"):
        check_example_ids([1, 2], 3)
    with pytest.raises(ValueError, match=r"example_id\[1\] is None"):
        check_example_ids([1, None], 2)
    with pytest.raises(ValueError, match="nan"):
        check_example_ids([1, float("nan")], 2)
    with pytest.raises(TypeError, match="integers or strings"):
        check_example_ids([1.5, 2.0], 2)
    with pytest.raises(TypeError, match="single string"):
        check_example_ids("abc", 3)


def test_listwise_fit_learns_and_records_examples(tiny_models):
    tuner = make(tiny_models["bert"], objective="listwise", max_epochs=2)
    tuner.fit(X, Y, example_id=IDS)
    assert tuner.training_stats_ == {"n_statements": 21, "n_true": 9, "n_examples": 9}
    losses = [b["train_loss"] for e in tuner.history_ for b in e["batches"]]
    assert np.isfinite(losses).all()
    # binary + listwise: above the binary loss alone (the listwise term is > 0)
    binary = make(tiny_models["bert"], max_epochs=2).fit(X, Y, example_id=IDS)
    assert tuner.history_[0, "train_loss"] > binary.history_[0, "train_loss"]
    assert tuner.predict_proba(X[:3]).shape == (3, 2)


def test_listwise_needs_complete_examples(tiny_models):
    tuner = make(tiny_models["bert"], objective="listwise")
    with pytest.raises(ValueError, match="needs example_id="):
        tuner.fit(X, Y)
    with pytest.raises(ValueError, match="exactly one true statement"):
        tuner.fit(X, Y, example_id=[0] * len(X))  # all in one example: 9 true
    with pytest.raises(ValueError, match="exactly one true statement"):
        tuner.fit(X[:2], [1, 1], example_id=[0, 0])
    with pytest.raises(ValueError, match="3 ids"):
        tuner.fit(X, Y, example_id=[0, 1, 2])
    assert not hasattr(tuner, "module_")  # refused before any model loading


def test_early_stopping_splits_whole_examples(tiny_models):
    tuner = make(
        tiny_models["bert"], objective="listwise", early_stopping=2, max_epochs=3
    )
    tuner.fit(X * 2, Y * 2, example_id=IDS + [f"b{i}" for i in IDS])
    assert np.isfinite(tuner.history_[-1, "valid_loss"])


def _scattered_split(dataset, y=None, **kwargs):
    from torch.utils.data import Subset

    # validation rows 0, 2, 1, 3: examples 0 and 1 interleaved
    return Subset(dataset, list(range(4, len(dataset)))), Subset(dataset, [0, 2, 1, 3])


def test_scattered_validation_examples_are_refused(tiny_models):
    tuner = make(
        tiny_models["bert"], objective="listwise", train_split=_scattered_split
    )
    with pytest.raises(ValueError, match="consecutive"):
        tuner.fit(X, Y, example_id=IDS)


def test_example_batches_keep_examples_whole(tiny_models):
    tuner = make(tiny_models["bert"], batch_size=4).fit(X, Y, example_id=IDS)
    dataset = tuner.get_dataset(*training_data(X, Y, IDS, tuner.objective))
    codes = check_example_ids(IDS, len(IDS)).tolist()
    seen = []
    for xb, yb in tuner.get_iterator(dataset, training=True):
        batch = xb["example_id"].tolist()
        assert "example_id" not in tuner.module_.forward.__code__.co_varnames
        for c in set(batch):  # every statement of the example is in this batch
            assert batch.count(c) == codes.count(c)
        assert sum(yb.tolist()) == len(set(batch))  # one true statement each
        seen += batch
    assert sorted(seen) == sorted(codes)


# ---------------------------------------------------------------- the batch sampler
def _sizes(ids):
    return {i: list(ids).count(i) for i in set(ids)}


@pytest.mark.parametrize("lengths", [None, "random"])
def test_sampler_batches_are_whole_examples_and_cover_everything(lengths):
    rng = np.random.default_rng(0)
    sizes = rng.integers(2, 7, size=60)
    ids = np.repeat(np.arange(60), sizes)
    rng.shuffle(ids)
    lens = None if lengths is None else rng.integers(5, 100, size=len(ids)).tolist()
    sampler = ExampleBatchSampler(
        ids, 16, lengths=lens, generator=torch.Generator().manual_seed(0)
    )
    batches = list(sampler)
    assert len(batches) == len(sampler) == int(np.ceil(len(ids) / 16))
    flat = [i for b in batches for i in b]
    assert sorted(flat) == list(range(len(ids)))  # every statement exactly once
    counts = _sizes(ids)
    for batch in batches:
        in_batch = _sizes(ids[batch])
        assert all(in_batch[k] == counts[k] for k in in_batch)  # examples whole
        assert abs(len(batch) - 16) <= 2 * sizes.max()
    again = list(
        ExampleBatchSampler(
            ids, 16, lengths=lens, generator=torch.Generator().manual_seed(0)
        )
    )
    assert again == batches  # same seed, same batches
    other = list(
        ExampleBatchSampler(
            ids, 16, lengths=lens, generator=torch.Generator().manual_seed(1)
        )
    )
    assert other != batches


def test_sampler_length_grouping_reduces_padding():
    rng = np.random.default_rng(1)
    ids = np.repeat(np.arange(400), 2)
    lens = np.repeat(rng.integers(5, 200, size=400), 2)

    def padding(sampler):
        return sum(len(b) * max(lens[b]) - sum(lens[b]) for b in sampler)

    g = torch.Generator().manual_seed(0)
    grouped = padding(ExampleBatchSampler(ids, 32, lengths=lens.tolist(), generator=g))
    plain = padding(ExampleBatchSampler(ids, 32, generator=g))
    assert grouped < 0.3 * plain


def test_sampler_without_shuffle_keeps_contiguous_data_in_order():
    ids = [5, 5, 2, 2, 2, 9, 9]
    sampler = ExampleBatchSampler(ids, 3, shuffle=False)
    assert sampler.contiguous
    assert [i for b in sampler for i in b] == list(range(7))
    assert not ExampleBatchSampler([1, 2, 1, 2], 2, shuffle=False).contiguous


def test_sampler_with_examples_larger_than_a_batch():
    ids = [0] * 10 + [1] * 2
    batches = list(
        ExampleBatchSampler(ids, 4, generator=torch.Generator().manual_seed(0))
    )
    assert len(batches) == 2 and sorted(map(len, batches)) == [2, 10]
