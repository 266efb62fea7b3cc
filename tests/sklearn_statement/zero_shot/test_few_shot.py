"""FewShotStatementClassifier: soft prompts (and the full-model baseline) from k shots per class.

Each part of the soft-prompt method is checked against an independent
computation: the smoothed targets against their formula, the penalty against
the distance it measures, the per-class mean over languages against
zero-shot classifiers of each language, the frozen model against its own
weights, gradient accumulation over forward passes against one pass.
"""

from __future__ import annotations

import pickle

import numpy as np
import pytest
import torch
from sklearn.base import clone
from sklearn.exceptions import NotFittedError
from sklearn.frozen import FrozenEstimator

from sklearn_statement import (
    FewShotStatementClassifier,
    StatementTuner,
    ZeroShotStatementClassifier,
)
from sklearn_statement.zero_shot._prompt import (
    _example_true_logits,
    prompt_distance,
    prompt_weight,
)
from sklearn_statement.zero_shot._smoothing import label_similarity, smoothed_targets
from template_registry import Template, get_template

LABELS = ["sports", "politics", "health", "travel"]
TEXTS = [
    "the dog is good.",
    "a cat is bad.",
    "the movie is great.",
    "people of our time.",
    "man and woman.",
    "the water is long.",
    "a happy time.",
    "words about time.",
    "the first people.",
    "some other words.",
    "a sad movie.",
    "his dog and her cat.",
]
TOPICS = LABELS * 3  # 3 examples of each class


def few(model, **kw):
    params = dict(
        template="sib200",
        shots=2,
        epochs=2,
        lr=1e-2,
        device="cpu",
        precision="fp32",
        random_state=0,
    )
    params.update(kw)
    return FewShotStatementClassifier(model, **params)


@pytest.fixture(scope="module")
def prompted(tiny_statement_model):
    """A prompt trained on 2 shots per class with English and German label statements."""
    return few(tiny_statement_model, languages=["en", "de"]).fit(TEXTS, TOPICS)


def _base_state(peft_model):
    """The frozen statement model's tensors under their original names."""
    out = {}
    for name, value in peft_model.get_base_model().state_dict().items():
        plain = name.replace(".original_module", "").replace(
            ".modules_to_save.default", ""
        )
        out.setdefault(plain, []).append(value)
    return out


# ---------------------------------------------------------------- the loss parts
def test_uniform_and_contrastive_smoothing_by_hand():
    gold = np.array([0, 2])
    uniform = smoothed_targets(gold, 3, eps=0.3)
    np.testing.assert_allclose(uniform, [[0.7, 0.15, 0.15], [0.15, 0.15, 0.7]])
    similarity = np.array([[1.0, 0.9, 0.8], [0.9, 1.0, 0.7], [0.8, 0.7, 1.0]])
    q = smoothed_targets(gold, 3, eps=0.3, similarity=similarity, temperature=0.1)
    e1, e2 = np.exp(0.9 / 0.1), np.exp(0.8 / 0.1)
    np.testing.assert_allclose(q[0], [0.7, 0.3 * e1 / (e1 + e2), 0.3 * e2 / (e1 + e2)])
    e0, e1 = np.exp(0.8 / 0.1), np.exp(0.7 / 0.1)
    np.testing.assert_allclose(q[1], [0.3 * e0 / (e0 + e1), 0.3 * e1 / (e0 + e1), 0.7])
    np.testing.assert_allclose(q.sum(axis=1), 1.0)
    # the more similar label gets more of eps
    assert q[0, 1] > q[0, 2] and q[1, 0] > q[1, 1]
    # eps = 0: one-hot, whatever the similarity
    np.testing.assert_array_equal(
        smoothed_targets(gold, 3, eps=0.0, similarity=similarity), np.eye(3)[gold]
    )
    # a tiny temperature does not overflow: all of eps goes to the most similar
    sharp = smoothed_targets(gold, 3, eps=0.3, similarity=similarity, temperature=1e-4)
    np.testing.assert_allclose(sharp[0], [0.7, 0.3, 0.0], atol=1e-12)


def test_label_similarity_averages_cosines_over_templates():
    en = Template("topic", label_statement='"{text}" is about {label}.', name="q")
    en = en.with_labels(["dog", "cat", "movie"])
    vectors = {"dog": [1.0, 0.0], "cat": [0.6, 0.8], "movie": [0.0, 1.0]}

    def embed(texts):
        return np.array([next(v for k, v in vectors.items() if k in t) for t in texts])

    similarity = label_similarity([en, en], embed)
    np.testing.assert_allclose(similarity, [[1, 0.6, 0], [0.6, 1, 0.8], [0, 0.8, 1]])


def test_prompt_penalty_is_zero_at_start_and_grows_with_the_square_of_the_distance():
    start = torch.randn(4, 8)
    assert float(prompt_distance(start, start)) == 0.0
    direction = torch.randn(4, 8)
    d = [float(prompt_distance(start + t * direction, start)) for t in (0.5, 1.0, 2.0)]
    assert d[0] < d[1] < d[2]
    assert d[2] == pytest.approx(4 * d[1], rel=1e-5)
    assert d[1] == pytest.approx(float((direction**2).sum()), rel=1e-5)


def test_a_stronger_penalty_keeps_the_prompt_nearer_its_start(tiny_statement_model):
    def trained(**kw):
        clf = few(tiny_statement_model, **{"lr": 5e-2, "epochs": 3, **kw})
        clf.fit(TEXTS, TOPICS)
        return prompt_weight(clf.tuner_.module_).detach().clone(), clf

    start, _ = trained(lr=1e-12)  # Adam moves each entry by about lr: the start
    free, clf_free = trained(prompt_penalty=0.0)
    held, clf_held = trained(prompt_penalty=10.0)
    assert all(row["penalty"] == 0.0 for row in clf_free.history_)
    # computed before each step: zero at the first, positive once the prompt moved
    assert clf_held.history_[0]["penalty"] == 0.0
    assert all(row["penalty"] > 0.0 for row in clf_held.history_[1:])
    assert float(prompt_distance(held, start)) < float(prompt_distance(free, start))


# ---------------------------------------------------------------- the frozen model
def test_only_the_virtual_tokens_change(fitted_tiny_tuner):
    given = {k: v.clone() for k, v in fitted_tiny_tuner.module_.state_dict().items()}
    clf = few(fitted_tiny_tuner, epochs=3).fit(TEXTS, TOPICS)
    # the given tuner is untouched
    for name, value in fitted_tiny_tuner.module_.state_dict().items():
        assert torch.equal(value, given[name]), name
    # the copy's statement model (head included) is bit-identical to it
    tuned = clf.tuner_.module_
    for name, values in _base_state(tuned).items():
        for value in values:
            assert torch.equal(value, given[name]), name
    trainable = [n for n, p in tuned.named_parameters() if p.requires_grad]
    assert trainable == ["prompt_encoder.default.embedding.weight"]
    # the prompt itself was trained: scores differ from those of the untrained start
    start = few(fitted_tiny_tuner, epochs=3, lr=1e-12).fit(TEXTS, TOPICS)
    assert not torch.allclose(prompt_weight(tuned), prompt_weight(start.tuner_.module_))
    assert clf.tuner_.peft == "prompt" and clf.tuner_.peft__num_virtual_tokens == 10


def test_prompt_starts_from_the_cls_embedding(prompted):
    module = prompted.tuner_.module_
    embeddings = module.get_base_model().get_input_embeddings().weight
    start = few(prompted.tuner_.model, languages=["en", "de"], lr=1e-12)
    start.fit(TEXTS, TOPICS)
    first = prompt_weight(start.tuner_.module_)[0]
    cls = start.tuner_.tokenizer_.cls_token_id
    torch.testing.assert_close(first, embeddings[cls], atol=1e-9, rtol=0)


# ---------------------------------------------------------------- languages
def test_multilingual_statements_are_averaged_per_class(prompted):
    z = prompted.true_logits(TEXTS)
    per_language = [
        ZeroShotStatementClassifier(
            prompted.tuner_,
            template=get_template("sib200", language=lang),
            labels=LABELS,
            max_length=prompted.max_length_,
            precision="fp32",
        )
        .fit()
        .true_logits(TEXTS)
        for lang in ("en", "de")
    ]
    np.testing.assert_allclose(z, np.mean(per_language, axis=0), atol=1e-6)
    assert [t.language for t in prompted.templates_] == ["en", "de"]
    assert not np.allclose(per_language[0], per_language[1])


def test_training_averages_true_logits_over_languages(prompted):
    scorer = prompted.classifier_._scorer()
    rows = []
    for text in TEXTS[:3]:
        row = []
        for template in prompted.templates_:
            statements = template.statements({"text": text})
            row += [
                scorer.tokenizer(statements[label])["input_ids"]
                for label in prompted.classes_
            ]
        rows.append(row)
    with torch.no_grad():
        z = _example_true_logits(scorer, rows, len(prompted.classes_)).numpy()
    flat = scorer.true_logits([s for row in rows for s in row], batch_size=64)
    expected = flat.reshape(3, 2, len(prompted.classes_)).mean(axis=1)
    np.testing.assert_allclose(z, expected, atol=1e-5)


def test_language_errors(tiny_statement_model):
    with pytest.raises(ValueError, match="no template in language 'yo'.*'de'"):
        few(tiny_statement_model, languages=["en", "yo"]).fit(TEXTS, TOPICS)
    with pytest.raises(TypeError, match="list of language codes"):
        few(tiny_statement_model, languages="en").fit(TEXTS, TOPICS)
    with pytest.raises(ValueError, match="languages is empty"):
        few(tiny_statement_model, languages=[]).fit(TEXTS, TOPICS)
    own = {label: "{text} is about " + label + "." for label in LABELS}
    with pytest.raises(ValueError, match="but template is a dict"):
        few(tiny_statement_model, template=own, languages=["en", "de"]).fit(
            TEXTS, TOPICS
        )


# ---------------------------------------------------------------- shots and classes
def test_shots_per_class_are_validated(tiny_statement_model):
    with pytest.raises(ValueError, match=r"class 'travel' has 2 labeled.*shots=3"):
        few(tiny_statement_model, shots=3).fit(TEXTS[:-1], TOPICS[:-1])
    with pytest.raises(ValueError, match="only one class"):
        few(tiny_statement_model).fit(TEXTS[:3], ["sports"] * 3)
    with pytest.raises(ValueError, match="class 'geography' has 0 labeled"):
        few(tiny_statement_model, labels=[*LABELS, "geography"]).fit(TEXTS, TOPICS)
    with pytest.raises(ValueError, match="needs labeled examples"):
        few(tiny_statement_model).fit(TEXTS, None)


def test_shots_are_drawn_per_class_with_the_seed(tiny_statement_model):
    a = few(tiny_statement_model, epochs=1, random_state=1).fit(TEXTS, TOPICS)
    b = few(tiny_statement_model, epochs=1, random_state=2).fit(TEXTS, TOPICS)
    for clf in (a, b):
        drawn = np.asarray(TOPICS)[clf.shot_indices_]
        assert sorted(drawn.tolist()) == sorted(LABELS * 2)
        assert np.all(np.diff(clf.shot_indices_) > 0)  # input order
    assert not np.array_equal(a.shot_indices_, b.shot_indices_)
    every = few(tiny_statement_model, epochs=1, shots=None).fit(TEXTS, TOPICS)
    np.testing.assert_array_equal(every.shot_indices_, np.arange(len(TEXTS)))


def test_random_state_makes_fits_identical(tiny_statement_model):
    first, second = (few(tiny_statement_model).fit(TEXTS, TOPICS) for _ in range(2))
    np.testing.assert_array_equal(first.shot_indices_, second.shot_indices_)
    assert torch.equal(
        prompt_weight(first.tuner_.module_), prompt_weight(second.tuner_.module_)
    )
    np.testing.assert_array_equal(
        first.predict_proba(TEXTS), second.predict_proba(TEXTS)
    )
    assert first.history_ == second.history_


def test_forward_passes_accumulate_to_one_batch(tiny_statement_model, tmp_path):
    from transformers import AutoModelForSequenceClassification, AutoTokenizer

    # without dropout, how a batch is cut into forward passes changes nothing
    model = AutoModelForSequenceClassification.from_pretrained(
        tiny_statement_model, hidden_dropout_prob=0.0, attention_probs_dropout_prob=0.0
    )
    model.save_pretrained(tmp_path)
    AutoTokenizer.from_pretrained(tiny_statement_model).save_pretrained(tmp_path)
    weights = [
        prompt_weight(
            few(str(tmp_path), batch_size=4, statement_batch_size=size, epochs=2)
            .fit(TEXTS, TOPICS)
            .tuner_.module_
        )
        for size in (4, 16)  # one example per pass, or the whole batch in one
    ]
    torch.testing.assert_close(weights[0], weights[1], atol=1e-5, rtol=1e-5)


# ---------------------------------------------------------------- contrastive smoothing
def test_contrastive_targets_follow_the_similarity_encoder(tiny_statement_model):
    # sports ~ health; politics ~ travel (one direction each, a little apart)
    axes = {
        "sports": [1.0, 0.0],
        "health": [0.9, 0.1],
        "politics": [0.0, 1.0],
        "travel": [0.1, 0.9],
    }

    def encoder(texts):
        return np.array([next(v for k, v in axes.items() if k in t) for t in texts])

    clf = few(tiny_statement_model, epochs=1, similarity_encoder=encoder)
    clf.fit(TEXTS, TOPICS)
    classes = list(clf.classes_)
    gold = [classes.index(label) for label in np.asarray(TOPICS)[clf.shot_indices_]]
    for row, g in zip(clf.targets_, gold):
        assert row[g] == pytest.approx(0.9)
        near = {"sports": "health", "health": "sports"}.get(classes[g])
        near = near or {"politics": "travel", "travel": "politics"}[classes[g]]
        others = [j for j in range(4) if j not in (g, classes.index(near))]
        assert row[classes.index(near)] > max(row[j] for j in others)
    assert clf.label_similarity_.shape == (4, 4)
    uniform = few(tiny_statement_model, epochs=1, contrastive=False)
    uniform.fit(TEXTS, TOPICS)
    assert not hasattr(uniform, "label_similarity_")
    np.testing.assert_allclose(np.sort(uniform.targets_, axis=1)[:, :3], 0.1 / 3)


def test_contrastive_smoothing_with_the_models_own_encoder(prompted):
    similarity = prompted.label_similarity_
    np.testing.assert_allclose(np.diag(similarity), 1.0, atol=1e-5)
    np.testing.assert_allclose(similarity, similarity.T, atol=1e-6)
    np.testing.assert_allclose(prompted.targets_.sum(axis=1), 1.0)


# ---------------------------------------------------------------- the estimator contract
def test_predict_proba_columns_follow_sorted_classes(prompted):
    assert list(prompted.classes_) == sorted(LABELS)
    scorer = prompted.classifier_._scorer()
    proba = prompted.predict_proba(TEXTS[:2])
    z = np.zeros((2, len(LABELS)))
    for j, label in enumerate(prompted.classes_):  # each class scored on its own
        for template in prompted.templates_:
            statements = [template.statements({"text": t})[label] for t in TEXTS[:2]]
            ids = scorer.tokenizer(statements)["input_ids"]
            z[:, j] += scorer.true_logits(ids, batch_size=8) / 2
    expected = np.exp(z - z.max(axis=1, keepdims=True))
    np.testing.assert_allclose(
        proba, expected / expected.sum(axis=1, keepdims=True), atol=1e-6
    )
    assert set(prompted.predict(TEXTS)) <= set(LABELS)
    assert prompted.decision_function(TEXTS).shape == (len(TEXTS), 4)


def test_tags_declare_text_input_and_required_labels():
    from sklearn.utils import get_tags

    tags = get_tags(FewShotStatementClassifier())
    assert tags.input_tags.string and not tags.input_tags.two_d_array
    assert tags.target_tags.required and tags.non_deterministic
    assert not get_tags(FewShotStatementClassifier(random_state=0)).non_deterministic


def test_clone_params_pickle_and_not_fitted(prompted, tiny_statement_model):
    unfitted = few(tiny_statement_model, languages=("en", "de"), label_smoothing=0.2)
    copy = clone(unfitted)
    assert copy.get_params() == unfitted.get_params()
    assert not hasattr(copy, "classes_")
    with pytest.raises(NotFittedError):
        copy.predict(TEXTS)
    restored = pickle.loads(pickle.dumps(prompted))
    np.testing.assert_allclose(
        restored.predict_proba(TEXTS), prompted.predict_proba(TEXTS), atol=1e-6
    )
    # __init__ stores its arguments and validates nothing
    odd = FewShotStatementClassifier(model=42, shots=-1, method="nope")
    assert (odd.model, odd.shots, odd.method) == (42, -1, "nope")
    with pytest.raises(ValueError, match="method"):
        odd.fit(TEXTS, TOPICS)


def test_saved_prompt_loads_with_its_base_directory(fitted_tiny_tuner, tmp_path):
    base = fitted_tiny_tuner.save_pretrained(tmp_path / "base")
    for model in (str(base), FrozenEstimator(StatementTuner.from_pretrained(base))):
        clf = few(model, epochs=1).fit(TEXTS, TOPICS)
        path = clf.tuner_.save_pretrained(tmp_path / "prompt", overwrite=True)
        assert (path / "adapter_config.json").exists()
        again = ZeroShotStatementClassifier(
            str(path), template="sib200", labels=LABELS, device="cpu", precision="fp32"
        ).fit()
        np.testing.assert_allclose(
            again.true_logits(TEXTS), clf.true_logits(TEXTS), atol=1e-5
        )
    with pytest.raises(ValueError, match="already carries a peft adapter"):
        few(str(path), epochs=1).fit(TEXTS, TOPICS)
    # a tuner trained in memory has no directory of its weights: no base is named
    clf = few(FrozenEstimator(fitted_tiny_tuner), epochs=1).fit(TEXTS, TOPICS)
    path = clf.tuner_.save_pretrained(tmp_path / "orphan")
    with pytest.raises(ValueError, match="does not name its base model"):
        ZeroShotStatementClassifier(str(path), template="sib200").fit()


def test_full_method_is_the_few_shot_continuation(fitted_tiny_tuner):
    # the continuation's dropout draws from torch's global generator: seeded alike
    torch.manual_seed(0)
    full = few(
        fitted_tiny_tuner, method="full", shots=3, epochs=2, lr=1e-2, random_state=0
    ).fit(TEXTS, TOPICS)
    torch.manual_seed(0)
    old = ZeroShotStatementClassifier(
        fitted_tiny_tuner,
        template="sib200",
        labels=LABELS,
        few_shot=True,
        few_shot_epochs=2,
        few_shot_lr=1e-2,
        random_state=0,
        precision="fp32",
    ).fit(TEXTS, TOPICS)
    np.testing.assert_allclose(
        full.true_logits(TEXTS), old.true_logits(TEXTS), atol=1e-6
    )
    assert full.tuner_ is not fitted_tiny_tuner and full.tuner_.peft is None
    assert not hasattr(full, "history_")


def test_few_shot_continuations_batch_each_example_whole(
    fitted_tiny_tuner, monkeypatch
):
    # both few-shot paths pass each example's statements as one example_id, so
    # the tuner batches them together (they were batched at random)
    seen = []
    fit = type(fitted_tiny_tuner).fit

    def spy(self, X, y=None, example_id=None, **params):
        seen.append(None if example_id is None else np.asarray(example_id))
        return fit(self, X, y, example_id=example_id, **params)

    monkeypatch.setattr(type(fitted_tiny_tuner), "fit", spy)
    few(fitted_tiny_tuner, method="full", shots=2, epochs=1, random_state=0).fit(
        TEXTS, TOPICS
    )
    ZeroShotStatementClassifier(
        fitted_tiny_tuner, template="sib200", labels=LABELS, few_shot=True,
        few_shot_epochs=1, random_state=0, precision="fp32",
    ).fit(TEXTS, TOPICS)  # fmt: skip
    n_shots = 2 * len(LABELS)  # 2 shots per class
    np.testing.assert_array_equal(seen[0], np.repeat(np.arange(n_shots), len(LABELS)))
    np.testing.assert_array_equal(
        seen[1], np.repeat(np.arange(len(TEXTS)), len(LABELS))
    )


def test_few_shot_tuner_refuses_statements_that_are_not_equal_blocks(
    tiny_statement_model,
):
    from sklearn_statement.zero_shot._few_shot import few_shot_tuner

    with pytest.raises(ValueError, match="not 0 blocks"):
        few_shot_tuner(
            tiny_statement_model, ["a.", "b."], np.array([1, 0]),
            epochs=1, lr=1e-3, random_state=0, device="cpu", precision="fp32",
            max_length=32, n_examples=0,
        )  # fmt: skip
    with pytest.raises(ValueError, match="not 2 blocks of equal size"):
        few_shot_tuner(
            tiny_statement_model, ["a.", "b.", "c."], np.array([1, 0, 0]),
            epochs=1, lr=1e-3, random_state=0, device="cpu", precision="fp32",
            max_length=32, n_examples=2,
        )  # fmt: skip
