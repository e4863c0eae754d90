import { css } from 'lit';

/** Out of sight and out of the layout, still read by screen readers. */
export const visuallyHidden = css`
  position: absolute;
  width: 1px;
  height: 1px;
  min-height: 0;
  overflow: hidden;
  clip-path: inset(50%);
  white-space: nowrap;
`;

/**
 * Rules every element needs: `hidden` that wins over display rules, text only screen readers get,
 * and `.live-empty`: an empty live region stays in the accessibility tree (so its next text is
 * announced) but takes no room.
 */
export default css`
  [hidden] {
    display: none !important;
  }

  .visually-hidden,
  .live-empty {
    ${visuallyHidden}
  }
`;
