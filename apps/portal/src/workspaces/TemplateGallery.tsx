import type { Template } from '../api/contract';

interface Props {
  templates: Template[];
  selected: string | null;
  onSelect: (id: string) => void;
}

/** The catalogue as a radio group: arrow keys move between templates, each a labelled card. */
export function TemplateGallery({ templates, selected, onSelect }: Props) {
  return (
    <fieldset className="gallery">
      <legend>Template</legend>
      {templates.map((t) => (
        <label key={t.id} className={`template-card${selected === t.id ? ' selected' : ''}`} data-template={t.name}>
          <input
            type="radio"
            name="template"
            value={t.id}
            checked={selected === t.id}
            onChange={() => onSelect(t.id)}
          />
          <span className="template-name">{t.name}</span>
          <span className="template-desc">{t.description || 'No description.'}</span>
          <span className="muted small">
            version {t.activeVersion}
            {t.active?.spec.image
              ? ` · ${t.active.spec.image}`
              : t.active?.spec.build
                ? ' · built from a Dockerfile'
                : ''}
          </span>
        </label>
      ))}
    </fieldset>
  );
}
